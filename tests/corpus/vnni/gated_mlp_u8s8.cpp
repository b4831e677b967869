// Gated MLP (SwiGLU up/gate half), int8: out[t][f] = silu(g) * u with
//   g = xs[t] * gs[f] * (sum_k x[t][k] * wg[f][k] - zp * sum_k wg[f][k]), u likewise with wu, us.
// x is u8 with a per-token scale and a zero point, weights are s8 [F][K] with per-row scales.
// Both projections run on _mm512_dpbusd_epi32 (u8 operand first): 64 bytes of K per step,
// masked byte loads (_mm512_maskz_loadu_epi8) for the K tail, _mm512_reduce_add_epi32 per row.
// The zero-point compensation sum_k w[f][k] is itself a dpbusd against a vector of ones.
#include <immintrin.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#define KSTEP 64      /* bytes of K per dpbusd */

static inline __mmask64 k_mask(int rem) {
    return rem >= KSTEP ? (__mmask64)~0ull : (__mmask64)((1ull << rem) - 1ull);
}

extern "C" void gated_mlp_u8s8(const uint8_t* __restrict__ x, const float* __restrict__ xs,
                               const int8_t* __restrict__ wg, const float* __restrict__ gs,
                               const int8_t* __restrict__ wu, const float* __restrict__ us,
                               float* __restrict__ out, int T, int F, int K, int zp) {
    int32_t* comp = (int32_t*)malloc(sizeof(int32_t) * 2 * F);
    const __m512i ones = _mm512_set1_epi8(1);
#pragma omp parallel for schedule(static)
    for (int f = 0; f < F; ++f) {
        __m512i cg = _mm512_setzero_si512();
        __m512i cu = _mm512_setzero_si512();
        for (int k = 0; k < K; k += KSTEP) {
            const __mmask64 m = k_mask(K - k);
            cg = _mm512_dpbusd_epi32(cg, ones, _mm512_maskz_loadu_epi8(m, wg + (long)f * K + k));
            cu = _mm512_dpbusd_epi32(cu, ones, _mm512_maskz_loadu_epi8(m, wu + (long)f * K + k));
        }
        comp[2 * f] = zp * _mm512_reduce_add_epi32(cg);
        comp[2 * f + 1] = zp * _mm512_reduce_add_epi32(cu);
    }
#pragma omp parallel for schedule(static)
    for (int t = 0; t < T; ++t) {
        const uint8_t* __restrict__ xt = x + (long)t * K;
        for (int f = 0; f < F; ++f) {
            __m512i ag = _mm512_setzero_si512();
            __m512i au = _mm512_setzero_si512();
            for (int k = 0; k < K; k += KSTEP) {
                const __mmask64 m = k_mask(K - k);
                const __m512i vx = _mm512_maskz_loadu_epi8(m, xt + k);
                ag = _mm512_dpbusd_epi32(ag, vx, _mm512_maskz_loadu_epi8(m, wg + (long)f * K + k));
                au = _mm512_dpbusd_epi32(au, vx, _mm512_maskz_loadu_epi8(m, wu + (long)f * K + k));
            }
            const float g = xs[t] * gs[f] * (float)(_mm512_reduce_add_epi32(ag) - comp[2 * f]);
            const float u = xs[t] * us[f] * (float)(_mm512_reduce_add_epi32(au) - comp[2 * f + 1]);
            out[(long)t * F + f] = g / (1.0f + expf(-g)) * u;
        }
    }
    free(comp);
}
