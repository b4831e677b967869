#include <algorithm>

// ReLU over a rows x cols activation map, both loops handed to OpenMP.
extern "C" void relu_2d(float* out, const float* in, int rows, int cols)
{
#pragma omp parallel for collapse(2)
    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            out[r * cols + c] = std::max(in[r * cols + c], 0.0f);
        }
    }
}
