#include <immintrin.h>
#include <limits>

// Row max with AVX-512; the ragged end of each row is loaded under a mask with
// -inf in the inactive lanes so it cannot win.
extern "C" void row_max(float* out, const float* x, int rows, int cols)
{
    const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    for (int r = 0; r < rows; r++) {
        const float* row = x + (size_t)r * cols;
        __m512 m = neg_inf;
        int c = 0;
        for (; c + 16 <= cols; c += 16)
            m = _mm512_max_ps(m, _mm512_loadu_ps(row + c));
        int rem = cols - c;
        if (rem > 0) {
            __mmask16 k = (__mmask16)((1u << rem) - 1u);
            m = _mm512_max_ps(m, _mm512_mask_loadu_ps(neg_inf, k, row + c));
        }
        out[r] = _mm512_reduce_max_ps(m);
    }
}
