// Elementwise add c[i] = a[i] + b[i] (float32), AVX-512, 2x unrolled main loop,
// one-vector loop and a masked tail; OpenMP over 256-element chunks.
#include <immintrin.h>

#define VLEN 16
#define CHUNK 256

extern "C" void add_tail_f32(const float* __restrict__ a, const float* __restrict__ b,
                             float* __restrict__ c, int n) {
    const int nchunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static)
    for (int ch = 0; ch < nchunks; ++ch) {
        const int start = ch * CHUNK;
        const int end = (start + CHUNK < n) ? start + CHUNK : n;
        int i = start;
        for (; i + 2 * VLEN <= end; i += 2 * VLEN) {
            __m512 a0 = _mm512_loadu_ps(a + i);
            __m512 a1 = _mm512_loadu_ps(a + i + VLEN);
            __m512 b0 = _mm512_loadu_ps(b + i);
            __m512 b1 = _mm512_loadu_ps(b + i + VLEN);
            _mm512_storeu_ps(c + i, _mm512_add_ps(a0, b0));
            _mm512_storeu_ps(c + i + VLEN, _mm512_add_ps(a1, b1));
        }
        for (; i + VLEN <= end; i += VLEN) {
            __m512 va = _mm512_loadu_ps(a + i);
            __m512 vb = _mm512_loadu_ps(b + i);
            _mm512_storeu_ps(c + i, _mm512_add_ps(va, vb));
        }
        const int rem = end - i;
        if (rem > 0) {
            const __mmask16 m = (__mmask16)((1u << rem) - 1u);
            __m512 va = _mm512_maskz_loadu_ps(m, a + i);
            __m512 vb = _mm512_maskz_loadu_ps(m, b + i);
            _mm512_mask_storeu_ps(c + i, m, _mm512_add_ps(va, vb));
        }
    }
}
