// Three elementwise ops on float32 in one pass: diff = a - b, sgn = sign(a), sn = sin(a).
// sub is _mm512_sub_ps; sign compares into masks (_mm512_cmplt_ps_mask: 0 < a, a < 0) and blends
// +1 / -1 over zero (_mm512_mask_blend_ps), so sign(+-0) = 0; sin is scalar sinf (no SIMD sin in
// <immintrin.h> without SVML). Masked tail; OpenMP over 256-element chunks.
#include <immintrin.h>
#include <math.h>

#define VLEN 16
#define CHUNK 256

extern "C" void sub_sign_sin_f32(const float* __restrict__ a, const float* __restrict__ b,
                                 float* __restrict__ diff, float* __restrict__ sgn,
                                 float* __restrict__ sn, int n) {
    const int nchunks = (n + CHUNK - 1) / CHUNK;
#pragma omp parallel for schedule(static)
    for (int ch = 0; ch < nchunks; ++ch) {
        const __m512 zero = _mm512_setzero_ps();
        const __m512 one = _mm512_set1_ps(1.0f);
        const __m512 minus_one = _mm512_set1_ps(-1.0f);
        const int start = ch * CHUNK;
        const int end = (start + CHUNK < n) ? start + CHUNK : n;
        for (int i = start; i < end; i += VLEN) {
            const int rem = end - i;
            const __mmask16 k = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
            const __m512 va = _mm512_maskz_loadu_ps(k, a + i);
            const __m512 vb = _mm512_maskz_loadu_ps(k, b + i);
            _mm512_mask_storeu_ps(diff + i, k, _mm512_sub_ps(va, vb));
            const __mmask16 pos = _mm512_cmplt_ps_mask(zero, va);
            const __mmask16 neg = _mm512_cmplt_ps_mask(va, zero);
            const __m512 s = _mm512_mask_blend_ps(neg, _mm512_mask_blend_ps(pos, zero, one), minus_one);
            _mm512_mask_storeu_ps(sgn + i, k, s);
        }
        for (int i = start; i < end; ++i) sn[i] = sinf(a[i]);
    }
}
