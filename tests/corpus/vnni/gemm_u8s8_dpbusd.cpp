// int8 GEMM C[M][N] = A[M][K] (u8) * B[K][N] (s8), int32 accumulate, exact.
// B is reordered once into the VNNI layout Bp[K/4][NP][4] (4 consecutive k of one column per
// 32-bit lane, zero padded in k and n); each row of A is packed into 32-bit words holding
// A[m][k..k+3], broadcast with _mm512_set1_epi32 and fed to _mm512_dpbusd_epi32
// (u8 operand first, s8 second). 32 output columns per step, masked stores on the N tail.
#include <immintrin.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define VLEN 16          /* int32 lanes per zmm */
#define NB 32            /* output columns per register block */
#define MAX_K 256        /* largest K supported (A row packed on the stack) */
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

extern "C" void gemm_u8s8_s32(const uint8_t* __restrict__ A, const int8_t* __restrict__ B,
                              int32_t* __restrict__ C, int M, int N, int K) {
    const int K4 = CEIL_DIV(K, 4);
    const int NP = CEIL_DIV(N, NB) * NB;
    int8_t* Bp = (int8_t*)aligned_alloc(64, (size_t)K4 * NP * 4);
    memset(Bp, 0, (size_t)K4 * NP * 4);
    for (int k = 0; k < K; ++k)
        for (int n = 0; n < N; ++n)
            Bp[((long)(k / 4) * NP + n) * 4 + (k % 4)] = B[(long)k * N + n];

#pragma omp parallel for schedule(static)
    for (int m = 0; m < M; ++m) {
        alignas(64) int32_t a_words[MAX_K / 4];
        const uint8_t* __restrict__ a_row = A + (long)m * K;
        for (int k4 = 0; k4 < K4; ++k4) {
            uint32_t w = 0;
            for (int t = 0; t < 4; ++t) {
                const int k = 4 * k4 + t;
                const uint32_t byte = k < K ? (uint32_t)a_row[k] : 0u;
                w |= byte << (8 * t);
            }
            a_words[k4] = (int32_t)w;
        }
        for (int n0 = 0; n0 < N; n0 += NB) {
            __m512i acc0 = _mm512_setzero_si512();
            __m512i acc1 = _mm512_setzero_si512();
            for (int k4 = 0; k4 < K4; ++k4) {
                const __m512i va = _mm512_set1_epi32(a_words[k4]);
                const int8_t* bp = Bp + ((long)k4 * NP + n0) * 4;
                acc0 = _mm512_dpbusd_epi32(acc0, va, _mm512_load_si512(bp));
                acc1 = _mm512_dpbusd_epi32(acc1, va, _mm512_load_si512(bp + 4 * VLEN));
            }
            int32_t* c = C + (long)m * N + n0;
            const int rem = N - n0;
            if (rem >= NB) {
                _mm512_storeu_si512(c, acc0);
                _mm512_storeu_si512(c + VLEN, acc1);
            } else if (rem > VLEN) {
                _mm512_storeu_si512(c, acc0);
                _mm512_mask_storeu_epi32(c + VLEN, (__mmask16)((1u << (rem - VLEN)) - 1u), acc1);
            } else {
                _mm512_mask_storeu_epi32(c, (__mmask16)((1u << rem) - 1u), acc0);
            }
        }
    }
    free(Bp);
}
