// Scatter-add of rows, float32: out[idx[i]][:] += src[i][:] for i in [0, n_src).
// idx may repeat (several source rows hit one output row): the rows are applied in order,
// each a read-modify-write of the output row, so the loop over i stays sequential.
// Ids outside [0, n_out) are skipped. The row (dim floats) is done 2 vectors at a time,
// then one vector, then a masked tail (_mm512_mask_loadu_ps / _mm512_mask_storeu_ps).
#include <immintrin.h>
#include <stdint.h>

#define VLEN 16

extern "C" void scatter_add_rows_f32(const float* __restrict__ src, const int32_t* __restrict__ idx,
                                     float* __restrict__ out, int n_src, int n_out, int dim) {
    const __m512 zero = _mm512_setzero_ps();
    for (int i = 0; i < n_src; ++i) {
        const int32_t id = idx[i];
        if (id < 0 || id >= n_out) continue;
        const float* __restrict__ s = src + (long)i * dim;
        float* __restrict__ o = out + (long)id * dim;
        int d = 0;
        for (; d + 2 * VLEN <= dim; d += 2 * VLEN) {
            const __m512 o0 = _mm512_add_ps(_mm512_loadu_ps(o + d), _mm512_loadu_ps(s + d));
            const __m512 o1 = _mm512_add_ps(_mm512_loadu_ps(o + d + VLEN), _mm512_loadu_ps(s + d + VLEN));
            _mm512_storeu_ps(o + d, o0);
            _mm512_storeu_ps(o + d + VLEN, o1);
        }
        for (; d + VLEN <= dim; d += VLEN)
            _mm512_storeu_ps(o + d, _mm512_add_ps(_mm512_loadu_ps(o + d), _mm512_loadu_ps(s + d)));
        if (d < dim) {
            const __mmask16 tail = (__mmask16)((1u << (dim - d)) - 1u);
            const __m512 acc = _mm512_mask_loadu_ps(zero, tail, o + d);
            const __m512 add = _mm512_mask_loadu_ps(zero, tail, s + d);
            _mm512_mask_storeu_ps(o + d, tail, _mm512_add_ps(acc, add));
        }
    }
}
