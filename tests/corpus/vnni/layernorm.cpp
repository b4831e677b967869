// LayerNorm over the last dimension of [rows][dim] float32:
// y = (x - mean) * rsqrt(var + eps) * gamma + beta  (biased variance, two-pass).
// AVX-512 sums with masked tails, _mm512_fmadd_ps for the squared deviations and the affine.
#include <immintrin.h>
#include <math.h>

#define VLEN 16

extern "C" void layernorm_f32(const float* __restrict__ x, const float* __restrict__ gamma,
                              const float* __restrict__ beta, float* __restrict__ y,
                              int rows, int dim, float eps) {
    const int dim_main = dim - dim % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (dim - dim_main)) - 1u);
    const float inv_dim = 1.0f / (float)dim;
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        const float* __restrict__ xr = x + (long)r * dim;
        float* __restrict__ yr = y + (long)r * dim;

        __m512 acc = _mm512_setzero_ps();
        for (int c = 0; c < dim_main; c += VLEN) acc = _mm512_add_ps(acc, _mm512_loadu_ps(xr + c));
        if (tail) acc = _mm512_add_ps(acc, _mm512_maskz_loadu_ps(tail, xr + dim_main));
        const float mean = _mm512_reduce_add_ps(acc) * inv_dim;
        const __m512 vmean = _mm512_set1_ps(mean);

        __m512 sq = _mm512_setzero_ps();
        for (int c = 0; c < dim_main; c += VLEN) {
            __m512 d = _mm512_sub_ps(_mm512_loadu_ps(xr + c), vmean);
            sq = _mm512_fmadd_ps(d, d, sq);
        }
        if (tail) {
            __m512 d = _mm512_maskz_sub_ps(tail, _mm512_maskz_loadu_ps(tail, xr + dim_main), vmean);
            sq = _mm512_fmadd_ps(d, d, sq);
        }
        const float var = _mm512_reduce_add_ps(sq) * inv_dim;
        const __m512 vrstd = _mm512_set1_ps(1.0f / sqrtf(var + eps));

        for (int c = 0; c < dim_main; c += VLEN) {
            __m512 n = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(xr + c), vmean), vrstd);
            _mm512_storeu_ps(yr + c, _mm512_fmadd_ps(n, _mm512_loadu_ps(gamma + c), _mm512_loadu_ps(beta + c)));
        }
        if (tail) {
            __m512 n = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, xr + dim_main), vmean), vrstd);
            __m512 o = _mm512_fmadd_ps(n, _mm512_maskz_loadu_ps(tail, gamma + dim_main),
                                       _mm512_maskz_loadu_ps(tail, beta + dim_main));
            _mm512_mask_storeu_ps(yr + dim_main, tail, o);
        }
    }
}
