// 2-D min and sum pooling in one pass, float32 NHWC, 3x3 window, stride 2, padding 1
// (OH = (H + 2 - 3) / 2 + 1): taps outside the image are skipped, so the min ignores the padding
// and the sum counts only real pixels. Channels vectorised by 16; the channel tail loads +inf
// (_mm512_mask_loadu_ps) for the min and zeros (_mm512_maskz_loadu_ps) for the sum, and only
// the selected lanes are stored. OpenMP over (n, oh).
#include <immintrin.h>
#include <math.h>

#define POOL_K 3
#define POOL_S 2
#define POOL_P 1
#define VLEN 16

extern "C" void pool2d_min_sum_nhwc_f32(const float* __restrict__ src, float* __restrict__ dmin,
                                        float* __restrict__ dsum, int N, int H, int W, int C) {
    const int OH = (H + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const int OW = (W + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const __m512 pos_inf = _mm512_set1_ps(INFINITY);
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int oh = 0; oh < OH; ++oh) {
            const int h0 = oh * POOL_S - POOL_P;
            const int kh0 = h0 < 0 ? -h0 : 0;
            const int kh1 = h0 + POOL_K > H ? H - h0 : POOL_K;
            for (int ow = 0; ow < OW; ++ow) {
                const int w0 = ow * POOL_S - POOL_P;
                const int kw0 = w0 < 0 ? -w0 : 0;
                const int kw1 = w0 + POOL_K > W ? W - w0 : POOL_K;
                const long o = (((long)n * OH + oh) * OW + ow) * C;
                for (int c0 = 0; c0 < C; c0 += VLEN) {
                    const int rem = C - c0;
                    const __mmask16 k = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
                    __m512 mn = pos_inf;
                    __m512 sm = _mm512_setzero_ps();
                    for (int kh = kh0; kh < kh1; ++kh) {
                        const float* __restrict__ row = src + (((long)n * H + h0 + kh) * W + w0) * C + c0;
                        for (int kw = kw0; kw < kw1; ++kw) {
                            mn = _mm512_min_ps(mn, _mm512_mask_loadu_ps(pos_inf, k, row + (long)kw * C));
                            sm = _mm512_add_ps(sm, _mm512_maskz_loadu_ps(k, row + (long)kw * C));
                        }
                    }
                    _mm512_mask_storeu_ps(dmin + o + c0, k, mn);
                    _mm512_mask_storeu_ps(dsum + o + c0, k, sm);
                }
            }
        }
    }
}
