// 2-D max pooling, float32 NHWC, 3x3 window, stride 2, no padding (floor output size).
// Channels vectorised by 16; the channel tail uses a mask (masked-off lanes start at -inf
// and are never stored). OpenMP over (n, oh).
#include <immintrin.h>
#include <math.h>

#define POOL_K 3
#define POOL_S 2
#define VLEN 16

extern "C" void maxpool2d_nhwc_f32(const float* __restrict__ src, float* __restrict__ dst,
                                   int N, int H, int W, int C) {
    const int OH = (H - POOL_K) / POOL_S + 1;
    const int OW = (W - POOL_K) / POOL_S + 1;
    const __m512 neg_inf = _mm512_set1_ps(-INFINITY);
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int oh = 0; oh < OH; ++oh) {
            for (int ow = 0; ow < OW; ++ow) {
                float* __restrict__ out = dst + (((long)n * OH + oh) * OW + ow) * C;
                for (int c0 = 0; c0 < C; c0 += VLEN) {
                    const int rem = C - c0;
                    const __mmask16 k = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
                    __m512 m = neg_inf;
                    for (int kh = 0; kh < POOL_K; ++kh) {
                        const float* __restrict__ row = src + (((long)n * H + oh * POOL_S + kh) * W + ow * POOL_S) * C + c0;
                        for (int kw = 0; kw < POOL_K; ++kw)
                            m = _mm512_max_ps(m, _mm512_mask_loadu_ps(neg_inf, k, row + (long)kw * C));
                    }
                    _mm512_mask_storeu_ps(out + c0, k, m);
                }
            }
        }
    }
}
