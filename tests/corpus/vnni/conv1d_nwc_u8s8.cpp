// 1-D convolution, int8, NWC: out[n][l][co] = sum_{kw, c} x[n][l + kw][c] * w[co][kw][c]
// (stride 1, no padding, L_out = L - KW + 1), x u8, w s8, int32 exact.
// The reduction runs over (kw, c) with c grouped by 4: w is reordered once into the VNNI layout
// Wp[KW][C/4][CO_P][4] (zero padded in c and co); the 4 input bytes x[l+kw][4c4..4c4+3] of a
// group are packed into one 32-bit word, broadcast (_mm512_set1_epi32) and fed to
// _mm512_dpbusd_epi32 (u8 operand first). 32 output channels per step, masked co tail.
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VLEN 16
#define NB 32
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

extern "C" void conv1d_nwc_u8s8(const uint8_t* __restrict__ x, const int8_t* __restrict__ w,
                                int32_t* __restrict__ out, int N, int L, int C, int CO, int KW) {
    const int L_out = L - KW + 1;
    const int C4 = CEIL_DIV(C, 4);
    const int CO_P = CEIL_DIV(CO, NB) * NB;
    int8_t* Wp = (int8_t*)aligned_alloc(64, (size_t)KW * C4 * CO_P * 4);
    memset(Wp, 0, (size_t)KW * C4 * CO_P * 4);
#pragma omp parallel for schedule(static)
    for (int co = 0; co < CO; ++co)
        for (int kw = 0; kw < KW; ++kw)
            for (int c = 0; c < C; ++c)
                Wp[(((long)kw * C4 + c / 4) * CO_P + co) * 4 + c % 4] = w[((long)co * KW + kw) * C + c];

#pragma omp parallel for collapse(2) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int l = 0; l < L_out; ++l) {
            int32_t* o = out + ((long)n * L_out + l) * CO;
            for (int co0 = 0; co0 < CO; co0 += NB) {
                __m512i acc0 = _mm512_setzero_si512();
                __m512i acc1 = _mm512_setzero_si512();
                for (int kw = 0; kw < KW; ++kw) {
                    const uint8_t* xr = x + ((long)n * L + l + kw) * C;
                    for (int c4 = 0; c4 < C4; ++c4) {
                        uint32_t word = 0;
                        for (int t = 0; t < 4; ++t) {
                            const int c = 4 * c4 + t;
                            word |= (c < C ? (uint32_t)xr[c] : 0u) << (8 * t);
                        }
                        const __m512i va = _mm512_set1_epi32((int)word);
                        const int8_t* bp = Wp + (((long)kw * C4 + c4) * CO_P + co0) * 4;
                        acc0 = _mm512_dpbusd_epi32(acc0, va, _mm512_load_si512(bp));
                        acc1 = _mm512_dpbusd_epi32(acc1, va, _mm512_load_si512(bp + 4 * VLEN));
                    }
                }
                const int rem = CO - co0;
                if (rem >= NB) {
                    _mm512_storeu_si512(o + co0, acc0);
                    _mm512_storeu_si512(o + co0 + VLEN, acc1);
                } else if (rem > VLEN) {
                    _mm512_storeu_si512(o + co0, acc0);
                    _mm512_mask_storeu_epi32(o + co0 + VLEN, (__mmask16)((1u << (rem - VLEN)) - 1u), acc1);
                } else {
                    _mm512_mask_storeu_epi32(o + co0, (__mmask16)((1u << rem) - 1u), acc0);
                }
            }
        }
    }
    free(Wp);
}
