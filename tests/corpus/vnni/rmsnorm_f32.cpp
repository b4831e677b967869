// RMSNorm over the last dimension of [rows][dim] float32: y = x / sqrt(mean(x^2) + eps) * gamma.
// Sum of squares in two 16-lane _mm512_fmadd_ps accumulators with a masked tail, horizontal
// _mm512_reduce_add_ps, then one multiply + multiply per vector. OpenMP over rows.
#include <immintrin.h>
#include <math.h>

#define VLEN 16

extern "C" void rmsnorm_f32(const float* __restrict__ x, const float* __restrict__ gamma,
                            float* __restrict__ y, int rows, int dim, float eps) {
    const int dim_main = dim - dim % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (dim - dim_main)) - 1u);
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        const float* __restrict__ xr = x + (long)r * dim;
        float* __restrict__ yr = y + (long)r * dim;
        __m512 s0 = _mm512_setzero_ps();
        __m512 s1 = _mm512_setzero_ps();
        int c = 0;
        for (; c + 2 * VLEN <= dim_main; c += 2 * VLEN) {
            const __m512 v0 = _mm512_loadu_ps(xr + c);
            const __m512 v1 = _mm512_loadu_ps(xr + c + VLEN);
            s0 = _mm512_fmadd_ps(v0, v0, s0);
            s1 = _mm512_fmadd_ps(v1, v1, s1);
        }
        for (; c < dim_main; c += VLEN) {
            const __m512 v = _mm512_loadu_ps(xr + c);
            s0 = _mm512_fmadd_ps(v, v, s0);
        }
        if (tail) {
            const __m512 v = _mm512_maskz_loadu_ps(tail, xr + dim_main);
            s1 = _mm512_fmadd_ps(v, v, s1);
        }
        const float ms = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1)) / (float)dim;
        const __m512 rinv = _mm512_set1_ps(1.0f / sqrtf(ms + eps));
        for (c = 0; c < dim_main; c += VLEN)
            _mm512_storeu_ps(yr + c, _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(xr + c), rinv),
                                                   _mm512_loadu_ps(gamma + c)));
        if (tail)
            _mm512_mask_storeu_ps(yr + dim_main, tail,
                                  _mm512_mul_ps(_mm512_mul_ps(_mm512_maskz_loadu_ps(tail, xr + dim_main), rinv),
                                                _mm512_maskz_loadu_ps(tail, gamma + dim_main)));
    }
}
