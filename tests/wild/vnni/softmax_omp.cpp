#include <cmath>
#include <limits>
#include <vector>
#include <algorithm>

// Numerically-stable row softmax; each thread keeps its own exp scratch row.
extern "C" void softmax_rows(float* out, const float* logits, int rows, int cols)
{
#pragma omp parallel
    {
        std::vector<float> buf(cols);
#pragma omp for
        for (int r = 0; r < rows; ++r) {
            const float* x = logits + (size_t)r * cols;
            float mx = -std::numeric_limits<float>::infinity();
            for (int c = 0; c < cols; ++c)
                mx = std::max(mx, x[c]);
            float sum = 0.f;
            for (int c = 0; c < cols; ++c) {
                buf[c] = expf(x[c] - mx);
                sum += buf[c];
            }
            float inv = 1.0f / sum;
            for (int c = 0; c < cols; ++c)
                out[(size_t)r * cols + c] = buf[c] * inv;
        }
    }
}
