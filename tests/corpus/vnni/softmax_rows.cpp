// Numerically stable row-wise softmax over [rows][SM_COLS] float32, SM_COLS fixed at
// compile time (not a multiple of 16). Pass 1: vector max with masked tail; pass 2:
// scalar expf(x - max) written to y and summed; pass 3: vector scale by 1/sum.
#include <immintrin.h>
#include <math.h>

#define SM_COLS 200
#define VLEN 16
#define SM_MAIN (SM_COLS - SM_COLS % VLEN)
#define SM_TAIL_MASK ((__mmask16)((1u << (SM_COLS % VLEN)) - 1u))

extern "C" void softmax_rows_f32(const float* __restrict__ x, float* __restrict__ y, int rows) {
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        const float* __restrict__ xr = x + (long)r * SM_COLS;
        float* __restrict__ yr = y + (long)r * SM_COLS;

        __m512 vmax = _mm512_set1_ps(-INFINITY);
        for (int c = 0; c < SM_MAIN; c += VLEN)
            vmax = _mm512_max_ps(vmax, _mm512_loadu_ps(xr + c));
        if (SM_COLS % VLEN)
            vmax = _mm512_mask_max_ps(vmax, SM_TAIL_MASK, vmax, _mm512_maskz_loadu_ps(SM_TAIL_MASK, xr + SM_MAIN));
        const float m = _mm512_reduce_max_ps(vmax);

        float sum = 0.0f;
        for (int c = 0; c < SM_COLS; ++c) {
            const float e = expf(xr[c] - m);
            yr[c] = e;
            sum += e;
        }

        const __m512 inv = _mm512_set1_ps(1.0f / sum);
        for (int c = 0; c < SM_MAIN; c += VLEN)
            _mm512_storeu_ps(yr + c, _mm512_mul_ps(_mm512_loadu_ps(yr + c), inv));
        if (SM_COLS % VLEN)
            _mm512_mask_storeu_ps(yr + SM_MAIN, SM_TAIL_MASK,
                                  _mm512_mul_ps(_mm512_maskz_loadu_ps(SM_TAIL_MASK, yr + SM_MAIN), inv));
    }
}
