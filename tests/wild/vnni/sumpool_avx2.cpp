#include <immintrin.h>

// Sum pooling (box filter) 2x2, stride 1, NHWC, no padding: out is (H-1) x (W-1) x C.
extern "C" void sum_pool2x2_nhwc(float* out, const float* in, int H, int W, int C)
{
    int OH = H - 1, OW = W - 1;
    for (int i = 0; i < OH; i++) {
        for (int j = 0; j < OW; j++) {
            const float* p00 = in + (i * W + j) * C;
            const float* p01 = p00 + C;
            const float* p10 = p00 + W * C;
            const float* p11 = p10 + C;
            float* o = out + (i * OW + j) * C;
            int c = 0;
            for (; c + 8 <= C; c += 8) {
                __m256 top = _mm256_add_ps(_mm256_loadu_ps(p00 + c), _mm256_loadu_ps(p01 + c));
                __m256 bot = _mm256_add_ps(_mm256_loadu_ps(p10 + c), _mm256_loadu_ps(p11 + c));
                _mm256_storeu_ps(o + c, _mm256_add_ps(top, bot));
            }
            for (; c < C; c++)
                o[c] = (p00[c] + p01[c]) + (p10[c] + p11[c]);
        }
    }
}
