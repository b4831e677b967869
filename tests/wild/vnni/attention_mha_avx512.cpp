#include <immintrin.h>
#include <cmath>
#include <limits>
#include <vector>
#include <algorithm>

// Multi-head scaled dot-product attention (no mask), q/k/v/out laid out [heads][seq][head_dim].
// Dot products and the P*V accumulation are 16 lanes wide over head_dim with a masked tail;
// softmax in scalar code on a std::vector row.
static inline float dot_avx512(const float* a, const float* b, int n)
{
    __m512 acc = _mm512_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), acc);
    if (i < n) {
        __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), acc);
    }
    return _mm512_reduce_add_ps(acc);
}

extern "C" void mha_forward(float* out, const float* q, const float* k, const float* v,
                            int heads, int seq, int head_dim)
{
    const float scale = 1.0f / std::sqrt((float)head_dim);
    std::vector<float> p(seq);
    for (int h = 0; h < heads; ++h) {
        const float* qh = q + (size_t)h * seq * head_dim;
        const float* kh = k + (size_t)h * seq * head_dim;
        const float* vh = v + (size_t)h * seq * head_dim;
        for (int i = 0; i < seq; ++i) {
            float mx = -std::numeric_limits<float>::infinity();
            for (int j = 0; j < seq; ++j) {
                p[j] = dot_avx512(qh + i * head_dim, kh + j * head_dim, head_dim) * scale;
                mx = std::max(mx, p[j]);
            }
            float denom = 0.0f;
            for (int j = 0; j < seq; ++j) {
                p[j] = std::exp(p[j] - mx);
                denom += p[j];
            }
            const __m512 inv = _mm512_set1_ps(1.0f / denom);
            float* o = out + ((size_t)h * seq + i) * head_dim;
            for (int d = 0; d < head_dim; d += 16) {
                __mmask16 m = (head_dim - d >= 16) ? (__mmask16)0xFFFF : (__mmask16)((1u << (head_dim - d)) - 1u);
                __m512 acc = _mm512_setzero_ps();
                for (int j = 0; j < seq; ++j)
                    acc = _mm512_fmadd_ps(_mm512_set1_ps(p[j]), _mm512_maskz_loadu_ps(m, vh + j * head_dim + d), acc);
                _mm512_mask_storeu_ps(o + d, m, _mm512_mul_ps(acc, inv));
            }
        }
    }
}
