#include <cmath>

// GELU, tanh approximation (the "fast" form used by GPT-style MLPs).
static inline float gelu_fast(float x)
{
    const float k0 = 0.7978845608f;   // sqrt(2/pi)
    const float k1 = 0.044715f;
    float inner = k0 * (x + k1 * x * x * x);
    return 0.5f * x * (1.0f + tanhf(inner));
}

extern "C" void gelu_forward(float* out, const float* x, int n)
{
#pragma omp parallel for
    for (int i = 0; i < n; ++i)
        out[i] = gelu_fast(x[i]);
}
