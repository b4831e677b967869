#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include <vector>

// Quantized GEMM: C(s32)[M,N] = A(u8)[M,K] * B(s8)[K,N], exact int32 accumulation.
// B is repacked to [K/4][Npad][4] so each 32-bit lane of VPDPBUSD sees 4 consecutive k
// of one column; K and N are zero-padded up to 4 and 16.
extern "C" void gemm_u8s8s32(int32_t* C, const uint8_t* A, const int8_t* B, int M, int N, int K)
{
    const int Kq = (K + 3) / 4;
    const int Np = (N + 15) & ~15;
    std::vector<int8_t> Bp((size_t)Kq * Np * 4, 0);
    for (int k = 0; k < K; ++k)
        for (int n = 0; n < N; ++n)
            Bp[((size_t)(k / 4) * Np + n) * 4 + (k % 4)] = B[(size_t)k * N + n];

    for (int m = 0; m < M; ++m) {
        const uint8_t* a = A + (size_t)m * K;
        for (int n0 = 0; n0 < Np; n0 += 16) {
            __m512i acc = _mm512_setzero_si512();
            for (int kq = 0; kq < Kq; ++kq) {
                int32_t a4;
                if (4 * kq + 4 <= K) {
                    memcpy(&a4, a + 4 * kq, 4);
                } else {
                    uint8_t tmp[4] = {0, 0, 0, 0};
                    for (int t = 0; 4 * kq + t < K; ++t) tmp[t] = a[4 * kq + t];
                    memcpy(&a4, tmp, 4);
                }
                __m512i va = _mm512_set1_epi32(a4);
                __m512i vb = _mm512_loadu_si512(&Bp[((size_t)kq * Np + n0) * 4]);
                acc = _mm512_dpbusd_epi32(acc, va, vb);
            }
            int left = N - n0;
            __mmask16 k = left >= 16 ? (__mmask16)0xFFFF : (__mmask16)((1u << left) - 1u);
            _mm512_mask_storeu_epi32(C + (size_t)m * N + n0, k, acc);
        }
    }
}
