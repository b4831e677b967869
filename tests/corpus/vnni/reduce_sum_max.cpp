// Row reductions of a [rows][cols] float32 matrix: row_sum[r] = sum_c x[r][c] and
// row_max[r] = max_c x[r][c]. Two 16-lane accumulators per reduction, masked tail
// (zeros for the sum, -inf for the max), horizontal _mm512_reduce_add_ps/_max_ps.
#include <immintrin.h>
#include <math.h>

#define VLEN 16

extern "C" void reduce_sum_max_f32(const float* __restrict__ x, float* __restrict__ row_sum,
                                   float* __restrict__ row_max, int rows, int cols) {
#pragma omp parallel for schedule(static)
    for (int r = 0; r < rows; ++r) {
        const float* __restrict__ xr = x + (long)r * cols;
        __m512 s0 = _mm512_setzero_ps();
        __m512 s1 = _mm512_setzero_ps();
        __m512 m0 = _mm512_set1_ps(-INFINITY);
        __m512 m1 = _mm512_set1_ps(-INFINITY);
        int c = 0;
        for (; c + 2 * VLEN <= cols; c += 2 * VLEN) {
            __m512 v0 = _mm512_loadu_ps(xr + c);
            __m512 v1 = _mm512_loadu_ps(xr + c + VLEN);
            s0 = _mm512_add_ps(s0, v0);
            s1 = _mm512_add_ps(s1, v1);
            m0 = _mm512_max_ps(m0, v0);
            m1 = _mm512_max_ps(m1, v1);
        }
        for (; c < cols; c += VLEN) {
            const int rem = cols - c;
            const __mmask16 k = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
            s0 = _mm512_add_ps(s0, _mm512_maskz_loadu_ps(k, xr + c));
            m0 = _mm512_max_ps(m0, _mm512_mask_loadu_ps(_mm512_set1_ps(-INFINITY), k, xr + c));
        }
        row_sum[r] = _mm512_reduce_add_ps(_mm512_add_ps(s0, s1));
        row_max[r] = _mm512_reduce_max_ps(_mm512_max_ps(m0, m1));
    }
}
