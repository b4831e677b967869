// Concatenation along the last axis: out[r] = [a[r][0:ca], b[r][0:cb]] for float32
// a [rows][ca], b [rows][cb] -> out [rows][ca+cb]. Each segment is copied with 16-wide
// loads/stores and a masked tail; the second segment's destination is not vector aligned.
#include <immintrin.h>

#define VLEN 16

static inline void copy_row(float* __restrict__ dst, const float* __restrict__ src, int n) {
    int i = 0;
    for (; i + VLEN <= n; i += VLEN) _mm512_storeu_ps(dst + i, _mm512_loadu_ps(src + i));
    if (i < n) {
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1u);
        _mm512_mask_storeu_ps(dst + i, k, _mm512_maskz_loadu_ps(k, src + i));
    }
}

extern "C" void concat_lastdim_f32(const float* __restrict__ a, const float* __restrict__ b,
                                   float* __restrict__ out, int rows, int ca, int cb) {
    const int co = ca + cb;
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        copy_row(out + (long)r * co, a + (long)r * ca, ca);
        copy_row(out + (long)r * co + ca, b + (long)r * cb, cb);
    }
}
