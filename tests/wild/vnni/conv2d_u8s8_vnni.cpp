#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include <vector>

// int8 3x3 convolution, NHWC u8 activations (zero point 0, so zero padding is exact),
// s8 weights in HWIO, int32 output with int32 bias. 'same' padding, stride 1.
// Weights are repacked per tap to [IC/4][OCpad][4] for VPDPBUSD; output channels in
// blocks of 16 with a masked store for the last block.
#define IC 32
#define KS 3

extern "C" void qconv3x3_nhwc(int32_t* out, const uint8_t* in, const int8_t* w, const int32_t* bias,
                              int H, int W, int OC)
{
    const int OCp = (OC + 15) / 16 * 16;
    std::vector<int8_t> wp((size_t)KS * KS * (IC / 4) * OCp * 4, 0);
    for (int t = 0; t < KS * KS; ++t)
        for (int ic = 0; ic < IC; ++ic)
            for (int oc = 0; oc < OC; ++oc)
                wp[(((size_t)t * (IC / 4) + ic / 4) * OCp + oc) * 4 + (ic & 3)] = w[((size_t)t * IC + ic) * OC + oc];

    for (int oh = 0; oh < H; ++oh) {
        for (int ow = 0; ow < W; ++ow) {
            for (int ob = 0; ob < OCp; ob += 16) {
                int left = OC - ob;
                __mmask16 m = left >= 16 ? 0xFFFF : (__mmask16)((1u << left) - 1);
                __m512i acc = _mm512_maskz_loadu_epi32(m, bias + ob);
                for (int kh = 0; kh < KS; ++kh) {
                    int ih = oh + kh - 1;
                    if (ih < 0 || ih >= H) continue;
                    for (int kw = 0; kw < KS; ++kw) {
                        int iw = ow + kw - 1;
                        if (iw < 0 || iw >= W) continue;
                        const uint8_t* px = in + ((size_t)ih * W + iw) * IC;
                        const int8_t* wt = &wp[(size_t)(kh * KS + kw) * (IC / 4) * OCp * 4];
                        for (int q = 0; q < IC / 4; ++q) {
                            int32_t four;
                            memcpy(&four, px + 4 * q, 4);
                            __m512i va = _mm512_set1_epi32(four);
                            __m512i vb = _mm512_loadu_si512(wt + ((size_t)q * OCp + ob) * 4);
                            acc = _mm512_dpbusd_epi32(acc, va, vb);
                        }
                    }
                }
                _mm512_mask_storeu_epi32(out + ((size_t)oh * W + ow) * OC + ob, m, acc);
            }
        }
    }
}
