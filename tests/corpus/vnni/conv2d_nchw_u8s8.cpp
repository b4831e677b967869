// 2-D convolution, int8, NCHW: out[n][k][p][q] = sum_{c, r, s} x[n][c][p + r][q + s] * w[k][c][r][s]
// (stride 1, no padding; P = H - R + 1, Q = W - S + 1), x u8, w s8, int32 exact.
// The reduction over c is grouped by 4: x is repacked once to Xp[N][C/4][H][W][4] (4 channels
// of one pixel per 32-bit lane, zero padded) and w to 32-bit words Wp[K][C/4][R][S][4]. One
// zmm then holds 16 consecutive output columns: _mm512_dpbusd_epi32(acc, 16 pixel words of Xp
// (u8), broadcast weight word (s8)). Q tail by masked loads/stores; OpenMP over (n, k, p).
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VLEN 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

extern "C" void conv2d_nchw_u8s8(const uint8_t* __restrict__ x, const int8_t* __restrict__ w,
                                 int32_t* __restrict__ out, int N, int C, int H, int W,
                                 int K, int R, int S) {
    const int P = H - R + 1, Q = W - S + 1, C4 = CEIL_DIV(C, 4);
    uint8_t* Xp = (uint8_t*)aligned_alloc(64, (size_t)N * C4 * H * W * 4);
    int32_t* Wp = (int32_t*)aligned_alloc(64, (size_t)K * C4 * R * S * 4);
    memset(Xp, 0, (size_t)N * C4 * H * W * 4);
    memset(Wp, 0, (size_t)K * C4 * R * S * 4);
    int8_t* Wb = (int8_t*)Wp;
#pragma omp parallel for schedule(static)
    for (int nc = 0; nc < N * C; ++nc) {
        const int n = nc / C, c = nc % C;
        for (int i = 0; i < H * W; ++i)
            Xp[(((long)n * C4 + c / 4) * H * W + i) * 4 + c % 4] = x[(long)nc * H * W + i];
    }
#pragma omp parallel for schedule(static)
    for (int kc = 0; kc < K * C; ++kc) {
        const int k = kc / C, c = kc % C;
        for (int rs = 0; rs < R * S; ++rs)
            Wb[(((long)k * C4 + c / 4) * R * S + rs) * 4 + c % 4] = w[(long)kc * R * S + rs];
    }

#pragma omp parallel for collapse(3) schedule(static)
    for (int n = 0; n < N; ++n) {
        for (int k = 0; k < K; ++k) {
            for (int p = 0; p < P; ++p) {
                int32_t* o = out + (((long)n * K + k) * P + p) * Q;
                for (int q0 = 0; q0 < Q; q0 += VLEN) {
                    const int rem = Q - q0;
                    const __mmask16 m = rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
                    __m512i acc = _mm512_setzero_si512();
                    for (int c4 = 0; c4 < C4; ++c4) {
                        for (int r = 0; r < R; ++r) {
                            const uint8_t* xrow = Xp + ((((long)n * C4 + c4) * H + p + r) * W + q0) * 4;
                            const int32_t* wrow = Wp + (((long)k * C4 + c4) * R + r) * S;
                            for (int s = 0; s < S; ++s) {
                                const __m512i vx = _mm512_maskz_loadu_epi32(m, xrow + 4 * s);
                                acc = _mm512_dpbusd_epi32(acc, vx, _mm512_set1_epi32(wrow[s]));
                            }
                        }
                    }
                    _mm512_mask_storeu_epi32(o + q0, m, acc);
                }
            }
        }
    }
    free(Xp);
    free(Wp);
}
