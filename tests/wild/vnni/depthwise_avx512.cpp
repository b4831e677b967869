#include <immintrin.h>

// Depthwise 3x3 convolution, NHWC, stride 1, zero padding 1, per-channel bias.
// Channels are the vector dimension: 16 at a time, last group under a mask.
extern "C" void dwconv3x3_nhwc(float* out, const float* in, const float* w, const float* bias,
                               int N, int H, int W, int C)
{
    for (int n = 0; n < N; ++n)
        for (int y = 0; y < H; ++y)
            for (int x = 0; x < W; ++x) {
                float* o = out + (((long)n * H + y) * W + x) * C;
                for (int c = 0; c < C; c += 16) {
                    __mmask16 m = (C - c >= 16) ? (__mmask16)0xFFFF : (__mmask16)((1u << (C - c)) - 1u);
                    __m512 acc = _mm512_maskz_loadu_ps(m, bias + c);
                    for (int ky = 0; ky < 3; ++ky) {
                        int iy = y + ky - 1;
                        if (iy < 0 || iy >= H) continue;
                        for (int kx = 0; kx < 3; ++kx) {
                            int ix = x + kx - 1;
                            if (ix < 0 || ix >= W) continue;
                            __m512 v = _mm512_maskz_loadu_ps(m, in + (((long)n * H + iy) * W + ix) * C + c);
                            __m512 k = _mm512_maskz_loadu_ps(m, w + (ky * 3 + kx) * C + c);
                            acc = _mm512_fmadd_ps(v, k, acc);
                        }
                    }
                    _mm512_mask_storeu_ps(o + c, m, acc);
                }
            }
}
