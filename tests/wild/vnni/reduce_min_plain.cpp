#include <algorithm>
#include <limits>

// Min over the middle axis of a [B, R, C] tensor -> [B, C].
extern "C" void min_axis1(float* out, const float* x, int B, int R, int C)
{
    for (int b = 0; b < B; ++b) {
        for (int c = 0; c < C; ++c) {
            float best = std::numeric_limits<float>::infinity();
            for (int r = 0; r < R; ++r)
                best = std::min(best, x[(b * R + r) * C + c]);
            out[b * C + c] = best;
        }
    }
}
