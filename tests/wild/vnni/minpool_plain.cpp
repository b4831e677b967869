#include <algorithm>
#include <limits>

// 2x2 / stride 2 min pooling, NCHW, floor mode: with odd H or W the last row / column
// of the input is never read.
extern "C" void min_pool2x2(float* y, const float* x, int N, int C, int H, int W)
{
    int OH = H / 2, OW = W / 2;
    for (int n = 0; n < N; ++n)
        for (int c = 0; c < C; ++c)
            for (int i = 0; i < OH; ++i)
                for (int j = 0; j < OW; ++j) {
                    float m = std::numeric_limits<float>::infinity();
                    for (int di = 0; di < 2; ++di)
                        for (int dj = 0; dj < 2; ++dj)
                            m = std::min(m, x[((n * C + c) * H + 2 * i + di) * W + 2 * j + dj]);
                    y[((n * C + c) * OH + i) * OW + j] = m;
                }
}
