// Fused bias + ReLU over a row-major [rows][cols] float32 matrix:
// y[r][c] = max(x[r][c] + bias[c], 0). Columns vectorised by 16 with a masked tail,
// rows split over OpenMP threads.
#include <immintrin.h>

#define VLEN 16

extern "C" void bias_relu_f32(const float* __restrict__ x, const float* __restrict__ bias,
                              float* __restrict__ y, int rows, int cols) {
    const __m512 zero = _mm512_setzero_ps();
    const int cols_main = cols - cols % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (cols - cols_main)) - 1u);
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        const float* __restrict__ xr = x + (long)r * cols;
        float* __restrict__ yr = y + (long)r * cols;
        for (int c = 0; c < cols_main; c += VLEN) {
            __m512 v = _mm512_add_ps(_mm512_loadu_ps(xr + c), _mm512_loadu_ps(bias + c));
            _mm512_storeu_ps(yr + c, _mm512_max_ps(v, zero));
        }
        if (tail) {
            __m512 v = _mm512_add_ps(_mm512_maskz_loadu_ps(tail, xr + cols_main),
                                     _mm512_maskz_loadu_ps(tail, bias + cols_main));
            _mm512_mask_storeu_ps(yr + cols_main, tail, _mm512_max_ps(v, zero));
        }
    }
}
