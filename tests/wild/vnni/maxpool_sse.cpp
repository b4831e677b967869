#include <immintrin.h>
#include <limits>
#include <algorithm>

// 3x3 / stride 2 max pooling, no padding, NHWC. SSE across channels, 4 at a time,
// scalar code for the channels left over.
extern "C" void maxpool3x3s2_nhwc(float* out, const float* in, int H, int W, int C)
{
    const int OH = (H - 3) / 2 + 1;
    const int OW = (W - 3) / 2 + 1;
    const float lowest = -std::numeric_limits<float>::infinity();
    for (int oh = 0; oh < OH; oh++) {
        for (int ow = 0; ow < OW; ow++) {
            float* dst = out + (oh * OW + ow) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4) {
                __m128 m = _mm_set1_ps(lowest);
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++)
                        m = _mm_max_ps(m, _mm_loadu_ps(in + ((oh * 2 + kh) * W + ow * 2 + kw) * C + c));
                _mm_storeu_ps(dst + c, m);
            }
            for (; c < C; c++) {
                float m = lowest;
                for (int kh = 0; kh < 3; kh++)
                    for (int kw = 0; kw < 3; kw++)
                        m = std::max(m, in[((oh * 2 + kh) * W + ow * 2 + kw) * C + c]);
                dst[c] = m;
            }
        }
    }
}
