// Depthwise 3x3 convolution, int16 NHWC activations and int16 weights [KH][KW][C] -> int32,
// stride 1, no padding ("valid"). Taps are taken in pairs (t, t+1): each 32-bit lane holds
// (x_t[c], x_{t+1}[c]) as two int16 halves, built with _mm512_cvtepi16_epi32 + shift/or,
// so one _mm512_dpwssd_epi32 adds x_t*w_t + x_{t+1}*w_{t+1} per channel. Weights are
// pre-interleaved the same way; the 9th tap is paired with zero weights.
// 16 channels per vector; the C % 16 leftover channels go through a scalar loop.
#include <immintrin.h>
#include <stdint.h>

#define C 40
#define KH 3
#define KW 3
#define NTAPS (KH * KW)
#define NPAIRS ((NTAPS + 1) / 2)
#define VLEN 16
#define C_MAIN (C - C % VLEN)

static inline __m512i pair_s16(const int16_t* lo, const int16_t* hi) {
    const __m512i l = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i*)lo));
    const __m512i h = _mm512_cvtepi16_epi32(_mm256_loadu_si256((const __m256i*)hi));
    return _mm512_or_si512(_mm512_and_si512(l, _mm512_set1_epi32(0xFFFF)), _mm512_slli_epi32(h, 16));
}

extern "C" void depthwise_conv_s16_s32(const int16_t* __restrict__ src, const int16_t* __restrict__ wei,
                                       int32_t* __restrict__ dst, int N, int H, int W) {
    /* wp[p][c][2] = (w[2p][c], w[2p+1][c]), zero for the missing odd tap */
    alignas(64) int16_t wp[NPAIRS * C * 2];
    for (int p = 0; p < NPAIRS; ++p)
        for (int c = 0; c < C; ++c) {
            wp[(p * C + c) * 2 + 0] = wei[(2 * p) * C + c];
            wp[(p * C + c) * 2 + 1] = (2 * p + 1 < NTAPS) ? wei[(2 * p + 1) * C + c] : (int16_t)0;
        }
    const int OH = H - KH + 1, OW = W - KW + 1;
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int oh = 0; oh < OH; ++oh) {
            for (int ow = 0; ow < OW; ++ow) {
                const int16_t* tap_ptr[NTAPS + 1];
                for (int t = 0; t < NTAPS; ++t)
                    tap_ptr[t] = src + (((long)n * H + oh + t / KW) * W + ow + t % KW) * C;
                tap_ptr[NTAPS] = tap_ptr[NTAPS - 1];   /* partner of the last tap (weight 0) */
                int32_t* __restrict__ out = dst + (((long)n * OH + oh) * OW + ow) * C;
                for (int c0 = 0; c0 < C_MAIN; c0 += VLEN) {
                    __m512i acc = _mm512_setzero_si512();
                    for (int p = 0; p < NPAIRS; ++p) {
                        const __m512i vx = pair_s16(tap_ptr[2 * p] + c0, tap_ptr[2 * p + 1] + c0);
                        const __m512i vw = _mm512_loadu_si512(wp + (p * C + c0) * 2);  /* 32-byte aligned only (C = 40) */
                        acc = _mm512_dpwssd_epi32(acc, vx, vw);
                    }
                    _mm512_storeu_si512(out + c0, acc);
                }
                for (int c = C_MAIN; c < C; ++c) {
                    int32_t s = 0;
                    for (int t = 0; t < NTAPS; ++t) s += (int32_t)tap_ptr[t][c] * (int32_t)wei[t * C + c];
                    out[c] = s;
                }
            }
        }
    }
}
