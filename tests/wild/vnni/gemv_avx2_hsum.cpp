#include <immintrin.h>

// y = A x + bias for a row-major A (rows x cols). Four rows share each load of x;
// the four 8-lane accumulators are reduced by hand at the end.
static inline float reduce8(__m256 v)
{
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_shuffle_ps(s, s, _MM_SHUFFLE(1, 1, 1, 1)));
    return _mm_cvtss_f32(s);
}

extern "C" void sgemv_bias(float* y, const float* A, const float* x, const float* bias, int rows, int cols)
{
    int r = 0;
    for (; r + 4 <= rows; r += 4) {
        const float* a0 = A + (long)(r + 0) * cols;
        const float* a1 = A + (long)(r + 1) * cols;
        const float* a2 = A + (long)(r + 2) * cols;
        const float* a3 = A + (long)(r + 3) * cols;
        __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
        __m256 s2 = _mm256_setzero_ps(), s3 = _mm256_setzero_ps();
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            __m256 vx = _mm256_loadu_ps(x + c);
            s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a0 + c), vx, s0);
            s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a1 + c), vx, s1);
            s2 = _mm256_fmadd_ps(_mm256_loadu_ps(a2 + c), vx, s2);
            s3 = _mm256_fmadd_ps(_mm256_loadu_ps(a3 + c), vx, s3);
        }
        float t0 = reduce8(s0), t1 = reduce8(s1), t2 = reduce8(s2), t3 = reduce8(s3);
        for (; c < cols; ++c) {
            t0 += a0[c] * x[c];
            t1 += a1[c] * x[c];
            t2 += a2[c] * x[c];
            t3 += a3[c] * x[c];
        }
        y[r + 0] = t0 + bias[r + 0];
        y[r + 1] = t1 + bias[r + 1];
        y[r + 2] = t2 + bias[r + 2];
        y[r + 3] = t3 + bias[r + 3];
    }
    for (; r < rows; ++r) {
        const float* a = A + (long)r * cols;
        __m256 s = _mm256_setzero_ps();
        int c = 0;
        for (; c + 8 <= cols; c += 8)
            s = _mm256_fmadd_ps(_mm256_loadu_ps(a + c), _mm256_loadu_ps(x + c), s);
        float t = reduce8(s);
        for (; c < cols; ++c)
            t += a[c] * x[c];
        y[r] = t + bias[r];
    }
}
