// int8 2-D convolution, NHWC activations (u8), weights [KH][KW][IC][OC] (s8), int32 bias,
// stride 1, zero padding 1 ("same" output), int32 output NHWC. Weights are reordered to
// the VNNI layout Wp[KH*KW][IC/4][OCP][4]; 4 input channels of one pixel form a 32-bit word
// broadcast to all lanes; accumulation with the saturating _mm512_dpbusds_epi32.
// OC = 24 = 16 + 8: the second output vector is stored with a mask.
#include <immintrin.h>
#include <stdint.h>

#define IC 20
#define OC 24
#define KH 3
#define KW 3
#define PAD 1
#define VLEN 16
#define IC4 (IC / 4)
#define OCP 32                               /* OC rounded up to 2 vectors */
#define OC_TAIL_MASK ((__mmask16)((1u << (OC - VLEN)) - 1u))

extern "C" void conv2d_nhwc_u8s8_s32(const uint8_t* __restrict__ src, const int8_t* __restrict__ wei,
                                     const int32_t* __restrict__ bias, int32_t* __restrict__ dst,
                                     int N, int H, int W) {
    alignas(64) int8_t wp[KH * KW * IC4 * OCP * 4];
    for (int i = 0; i < KH * KW * IC4 * OCP * 4; ++i) wp[i] = 0;
    for (int tap = 0; tap < KH * KW; ++tap)
        for (int ic = 0; ic < IC; ++ic)
            for (int oc = 0; oc < OC; ++oc)
                wp[((tap * IC4 + ic / 4) * OCP + oc) * 4 + ic % 4] = wei[(tap * IC + ic) * OC + oc];

    const __m512i b0 = _mm512_loadu_si512(bias);
    const __m512i b1 = _mm512_maskz_loadu_epi32(OC_TAIL_MASK, bias + VLEN);
    const int OH = H, OW = W;   /* stride 1, pad 1, 3x3 */
#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int oh = 0; oh < OH; ++oh) {
            for (int ow = 0; ow < OW; ++ow) {
                __m512i acc0 = b0;
                __m512i acc1 = b1;
                for (int kh = 0; kh < KH; ++kh) {
                    const int ih = oh + kh - PAD;
                    if (ih < 0 || ih >= H) continue;
                    for (int kw = 0; kw < KW; ++kw) {
                        const int iw = ow + kw - PAD;
                        if (iw < 0 || iw >= W) continue;
                        const uint8_t* __restrict__ px = src + (((long)n * H + ih) * W + iw) * IC;
                        const int8_t* wtap = wp + (kh * KW + kw) * IC4 * OCP * 4;
                        for (int g = 0; g < IC4; ++g) {
                            const int32_t word = (int32_t)((uint32_t)px[4 * g]
                                                         | ((uint32_t)px[4 * g + 1] << 8)
                                                         | ((uint32_t)px[4 * g + 2] << 16)
                                                         | ((uint32_t)px[4 * g + 3] << 24));
                            const __m512i va = _mm512_set1_epi32(word);
                            const int8_t* wg = wtap + g * OCP * 4;
                            acc0 = _mm512_dpbusds_epi32(acc0, va, _mm512_load_si512(wg));
                            acc1 = _mm512_dpbusds_epi32(acc1, va, _mm512_load_si512(wg + 4 * VLEN));
                        }
                    }
                }
                int32_t* __restrict__ out = dst + (((long)n * OH + oh) * OW + ow) * OC;
                _mm512_storeu_si512(out, acc0);
                _mm512_mask_storeu_epi32(out + VLEN, OC_TAIL_MASK, acc1);
            }
        }
    }
}
