#include <immintrin.h>
#include <cmath>

// LayerNorm over the last dim (hidden), affine, eps = 1e-5.
// Two passes over each row: mean, then centered variance; the ragged tail
// goes through zero-masked loads and a masked store.
extern "C" void layernorm_fwd(float* y, const float* x, const float* gamma, const float* beta,
                              int tokens, int hidden)
{
    const int full = hidden & ~15;
    const __mmask16 tail = (__mmask16)((1u << (hidden - full)) - 1u);
    for (int t = 0; t < tokens; ++t) {
        const float* xr = x + (size_t)t * hidden;
        float* yr = y + (size_t)t * hidden;

        __m512 s = _mm512_setzero_ps();
        for (int i = 0; i < full; i += 16)
            s = _mm512_add_ps(s, _mm512_loadu_ps(xr + i));
        if (tail)
            s = _mm512_add_ps(s, _mm512_maskz_loadu_ps(tail, xr + full));
        const float mean = _mm512_reduce_add_ps(s) / hidden;
        const __m512 vmean = _mm512_set1_ps(mean);

        __m512 v = _mm512_setzero_ps();
        for (int i = 0; i < full; i += 16) {
            __m512 d = _mm512_sub_ps(_mm512_loadu_ps(xr + i), vmean);
            v = _mm512_fmadd_ps(d, d, v);
        }
        if (tail) {
            __m512 d = _mm512_maskz_sub_ps(tail, _mm512_maskz_loadu_ps(tail, xr + full), vmean);
            v = _mm512_fmadd_ps(d, d, v);
        }
        const float var = _mm512_reduce_add_ps(v) / hidden;
        const __m512 rstd = _mm512_set1_ps(1.0f / sqrtf(var + 1e-5f));

        for (int i = 0; i < full; i += 16) {
            __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_loadu_ps(xr + i), vmean), rstd);
            _mm512_storeu_ps(yr + i, _mm512_fmadd_ps(d, _mm512_loadu_ps(gamma + i), _mm512_loadu_ps(beta + i)));
        }
        if (tail) {
            __m512 d = _mm512_mul_ps(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, xr + full), vmean), rstd);
            __m512 r = _mm512_fmadd_ps(d, _mm512_maskz_loadu_ps(tail, gamma + full),
                                       _mm512_maskz_loadu_ps(tail, beta + full));
            _mm512_mask_storeu_ps(yr + full, tail, r);
        }
    }
}
