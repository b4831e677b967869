#include <cmath>

// y = amp * sin(freq * x + phase), per element; scalar params are floats.
extern "C" void sin_wave(float* y, const float* x, float amp, float freq, float phase, int n)
{
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n; i++) {
        y[i] = amp * std::sin(freq * x[i] + phase);
    }
}
