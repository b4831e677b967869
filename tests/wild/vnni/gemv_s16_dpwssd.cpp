#include <immintrin.h>
#include <stdint.h>

// int16 GEMV with VPDPWSSD: y(s32)[M] = W(s16)[M,K] . x(s16)[K], wrapping int32 arithmetic.
// 32 int16 per step; the last partial step uses zero-masked 16-bit loads.
extern "C" void gemv_s16s16s32(int32_t* y, const int16_t* W, const int16_t* x, int M, int K)
{
    const int rem = K & 31;
    const __mmask32 tail = rem ? (__mmask32)((1u << rem) - 1u) : 0;
    for (int m = 0; m < M; ++m) {
        const int16_t* w = W + (long)m * K;
        __m512i acc = _mm512_setzero_si512();
        int k = 0;
        for (; k + 32 <= K; k += 32)
            acc = _mm512_dpwssd_epi32(acc, _mm512_loadu_si512(w + k), _mm512_loadu_si512(x + k));
        if (tail)
            acc = _mm512_dpwssd_epi32(acc, _mm512_maskz_loadu_epi16(tail, w + k),
                                      _mm512_maskz_loadu_epi16(tail, x + k));
        y[m] = _mm512_reduce_add_epi32(acc);
    }
}
