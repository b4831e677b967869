#include <math.h>

#define LEN 3000

// Logistic sigmoid written through tanh (no overflow of exp for large |x|):
// sigmoid(x) = 0.5 * tanh(0.5 * x) + 0.5
extern "C" void sigmoid(float* y, const float* x)
{
    for (int i = 0; i < LEN; i++) {
        float t = tanhf(0.5f * x[i]);
        y[i] = 0.5f * t + 0.5f;
    }
}
