// InstanceNorm over NCHW float32: for every (n, c) plane of H*W values,
// y = (x - mean) * rsqrt(var + eps) * gamma[c] + beta[c] (biased variance, two passes).
// Sums in two 16-lane accumulators, horizontal _mm512_reduce_add_ps, masked plane tail;
// the affine is folded into one scale/shift per plane (_mm512_fmadd_ps). OpenMP over planes.
#include <immintrin.h>
#include <math.h>

#define VLEN 16

extern "C" void instancenorm_nchw_f32(const float* __restrict__ x, const float* __restrict__ gamma,
                                      const float* __restrict__ beta, float* __restrict__ y,
                                      int n, int c, int hw, float eps) {
    const int hw_main = hw - hw % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (hw - hw_main)) - 1u);
    const float inv_hw = 1.0f / (float)hw;
#pragma omp parallel for schedule(static)
    for (int plane = 0; plane < n * c; ++plane) {
        const int ch = plane % c;
        const float* __restrict__ xp = x + (long)plane * hw;
        float* __restrict__ yp = y + (long)plane * hw;

        __m512 s0 = _mm512_setzero_ps();
        __m512 s1 = _mm512_setzero_ps();
        int i = 0;
        for (; i + 2 * VLEN <= hw_main; i += 2 * VLEN) {
            s0 = _mm512_add_ps(s0, _mm512_loadu_ps(xp + i));
            s1 = _mm512_add_ps(s1, _mm512_loadu_ps(xp + i + VLEN));
        }
        for (; i < hw_main; i += VLEN) s0 = _mm512_add_ps(s0, _mm512_loadu_ps(xp + i));
        if (tail) s1 = _mm512_add_ps(s1, _mm512_maskz_loadu_ps(tail, xp + hw_main));
        const float mu = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) * inv_hw;
        const __m512 vmu = _mm512_set1_ps(mu);

        __m512 q = _mm512_setzero_ps();
        for (i = 0; i < hw_main; i += VLEN) {
            const __m512 d = _mm512_sub_ps(_mm512_loadu_ps(xp + i), vmu);
            q = _mm512_fmadd_ps(d, d, q);
        }
        if (tail) {
            const __m512 d = _mm512_maskz_sub_ps(tail, _mm512_maskz_loadu_ps(tail, xp + hw_main), vmu);
            q = _mm512_fmadd_ps(d, d, q);
        }
        const float var = _mm512_reduce_add_ps(q) * inv_hw;
        const float scale = gamma[ch] / sqrtf(var + eps);
        const __m512 vscale = _mm512_set1_ps(scale);
        const __m512 vshift = _mm512_set1_ps(beta[ch] - mu * scale);

        for (i = 0; i < hw_main; i += VLEN)
            _mm512_storeu_ps(yp + i, _mm512_fmadd_ps(_mm512_loadu_ps(xp + i), vscale, vshift));
        if (tail)
            _mm512_mask_storeu_ps(yp + hw_main, tail,
                                  _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, xp + hw_main), vscale, vshift));
    }
}
