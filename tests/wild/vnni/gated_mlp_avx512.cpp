#include <immintrin.h>
#include <math.h>
#include <vector>

// SwiGLU feed-forward block (LLaMA MLP):
//   h = silu(x Wg^T) * (x Wu^T);  y = h Wd^T
// Wg, Wu are [ffn][d_model], Wd is [d_model][ffn] (nn.Linear layouts).
static inline float dot16(const float* a, const float* b, int n)
{
    __m512 s = _mm512_setzero_ps();
    int i = 0;
    for (; i + 16 <= n; i += 16)
        s = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), s);
    if (n - i) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1u);
        s = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a + i), _mm512_maskz_loadu_ps(m, b + i), s);
    }
    return _mm512_reduce_add_ps(s);
}

static inline float silu(float x) { return x / (1.0f + expf(-x)); }

extern "C" void swiglu_mlp(float* y, const float* x, const float* w_gate, const float* w_up,
                           const float* w_down, int tokens, int d_model, int ffn)
{
    std::vector<float> h(ffn);
    for (int t = 0; t < tokens; ++t) {
        const float* xt = x + (size_t)t * d_model;
        for (int f = 0; f < ffn; ++f) {
            float g = dot16(xt, w_gate + (size_t)f * d_model, d_model);
            float u = dot16(xt, w_up + (size_t)f * d_model, d_model);
            h[f] = silu(g) * u;
        }
        for (int o = 0; o < d_model; ++o)
            y[(size_t)t * d_model + o] = dot16(h.data(), w_down + (size_t)o * ffn, ffn);
    }
}
