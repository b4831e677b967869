// Column reductions of a [rows][cols] float32 matrix: col_mean[c] = mean_r x[r][c] and
// col_min[c] = min_r x[r][c]. Vectorised across columns (16 per zmm, no horizontal reduction):
// each block walks the rows with _mm512_add_ps / _mm512_min_ps, rows unrolled by two into two
// accumulator pairs. The last block is masked (+inf fill for the min). OpenMP over column blocks.
#include <immintrin.h>
#include <math.h>

#define VLEN 16

extern "C" void col_mean_min_f32(const float* __restrict__ x, float* __restrict__ col_mean,
                                 float* __restrict__ col_min, int rows, int cols) {
    const int nblocks = (cols + VLEN - 1) / VLEN;
    const float inv_rows = 1.0f / (float)rows;
#pragma omp parallel for schedule(static)
    for (int blk = 0; blk < nblocks; ++blk) {
        const int c = blk * VLEN;
        const int rem = cols - c;
        const __mmask16 k = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
        const __m512 pos_inf = _mm512_set1_ps(INFINITY);
        __m512 s0 = _mm512_setzero_ps(), s1 = _mm512_setzero_ps();
        __m512 m0 = pos_inf, m1 = pos_inf;
        int r = 0;
        for (; r + 2 <= rows; r += 2) {
            const __m512 v0 = _mm512_mask_loadu_ps(pos_inf, k, x + (long)r * cols + c);
            const __m512 v1 = _mm512_mask_loadu_ps(pos_inf, k, x + (long)(r + 1) * cols + c);
            s0 = _mm512_mask_add_ps(s0, k, s0, v0);
            s1 = _mm512_mask_add_ps(s1, k, s1, v1);
            m0 = _mm512_min_ps(m0, v0);
            m1 = _mm512_min_ps(m1, v1);
        }
        if (r < rows) {
            const __m512 v = _mm512_mask_loadu_ps(pos_inf, k, x + (long)r * cols + c);
            s0 = _mm512_mask_add_ps(s0, k, s0, v);
            m0 = _mm512_min_ps(m0, v);
        }
        _mm512_mask_storeu_ps(col_mean + c, k, _mm512_mul_ps(_mm512_add_ps(s0, s1), _mm512_set1_ps(inv_rows)));
        _mm512_mask_storeu_ps(col_min + c, k, _mm512_min_ps(m0, m1));
    }
}
