#include <immintrin.h>
#include <math.h>

// horizontal sum of 8 floats, the usual extract / movehl / shuffle dance
static inline float hsum256(__m256 v)
{
    __m128 lo = _mm256_castps256_ps128(v);
    __m128 hi = _mm256_extractf128_ps(v, 1);
    lo = _mm_add_ps(lo, hi);
    __m128 sh = _mm_movehl_ps(lo, lo);
    lo = _mm_add_ps(lo, sh);
    sh = _mm_shuffle_ps(lo, lo, 0x55);
    lo = _mm_add_ss(lo, sh);
    return _mm_cvtss_f32(lo);
}

// RMSNorm (LLaMA style): y = x / sqrt(mean(x^2) + eps) * w
extern "C" void rmsnorm(float* out, const float* x, const float* w, int n_tokens, int dim)
{
    const float eps = 1e-6f;
    for (int t = 0; t < n_tokens; t++) {
        const float* xr = x + t * dim;
        float* o = out + t * dim;
        __m256 acc = _mm256_setzero_ps();
        int i = 0;
        for (; i + 8 <= dim; i += 8) {
            __m256 v = _mm256_loadu_ps(xr + i);
            acc = _mm256_fmadd_ps(v, v, acc);
        }
        float ss = hsum256(acc);
        for (; i < dim; i++)
            ss += xr[i] * xr[i];
        float scale = 1.0f / sqrtf(ss / dim + eps);
        __m256 vs = _mm256_set1_ps(scale);
        i = 0;
        for (; i + 8 <= dim; i += 8) {
            __m256 v = _mm256_mul_ps(_mm256_loadu_ps(xr + i), vs);
            _mm256_storeu_ps(o + i, _mm256_mul_ps(v, _mm256_loadu_ps(w + i)));
        }
        for (; i < dim; i++)
            o[i] = xr[i] * scale * w[i];
    }
}
