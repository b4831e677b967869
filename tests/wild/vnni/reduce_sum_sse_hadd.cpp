#include <immintrin.h>

// Row sums of a rows x cols matrix. 8 floats per step in two SSE accumulators,
// folded with _mm_hadd_ps at the end of the row.
extern "C" void row_sum(float* out, const float* x, int rows, int cols)
{
    for (int r = 0; r < rows; ++r) {
        const float* p = x + (long)r * cols;
        __m128 acc0 = _mm_setzero_ps();
        __m128 acc1 = _mm_setzero_ps();
        int c = 0;
        for (; c + 8 <= cols; c += 8) {
            acc0 = _mm_add_ps(acc0, _mm_loadu_ps(p + c));
            acc1 = _mm_add_ps(acc1, _mm_loadu_ps(p + c + 4));
        }
        if (c + 4 <= cols) {
            acc0 = _mm_add_ps(acc0, _mm_loadu_ps(p + c));
            c += 4;
        }
        __m128 s = _mm_add_ps(acc0, acc1);
        s = _mm_hadd_ps(s, s);
        s = _mm_hadd_ps(s, s);
        float total = _mm_cvtss_f32(s);
        for (; c < cols; ++c)
            total += p[c];
        out[r] = total;
    }
}
