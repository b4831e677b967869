// Dense (fully connected) layer, float32: y[m][n] = sum_k x[m][k] * W[n][k] + b[n]
// (W in PyTorch's [out][in] layout, so each output is a dot product of two contiguous rows).
// Four output columns per step share each 16-float load of x: four _mm512_fmadd_ps
// accumulators, masked K tail (_mm512_maskz_loadu_ps), _mm512_reduce_add_ps per column;
// leftover columns (N % 4) one at a time. OpenMP over rows of x.
#include <immintrin.h>

#define VLEN 16
#define NCOL 4

static inline __mmask16 k_mask(int rem) {
    return rem >= VLEN ? (__mmask16)0xFFFF : (__mmask16)((1u << rem) - 1u);
}

extern "C" void dense_f32(const float* __restrict__ x, const float* __restrict__ W,
                          const float* __restrict__ b, float* __restrict__ y, int M, int N, int K) {
#pragma omp parallel for schedule(static)
    for (int m = 0; m < M; ++m) {
        const float* __restrict__ xm = x + (long)m * K;
        float* __restrict__ ym = y + (long)m * N;
        int n = 0;
        for (; n + NCOL <= N; n += NCOL) {
            const float* __restrict__ w0 = W + (long)n * K;
            __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
            __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
            for (int k = 0; k < K; k += VLEN) {
                const __mmask16 km = k_mask(K - k);
                const __m512 vx = _mm512_maskz_loadu_ps(km, xm + k);
                a0 = _mm512_fmadd_ps(vx, _mm512_maskz_loadu_ps(km, w0 + k), a0);
                a1 = _mm512_fmadd_ps(vx, _mm512_maskz_loadu_ps(km, w0 + K + k), a1);
                a2 = _mm512_fmadd_ps(vx, _mm512_maskz_loadu_ps(km, w0 + 2 * K + k), a2);
                a3 = _mm512_fmadd_ps(vx, _mm512_maskz_loadu_ps(km, w0 + 3 * K + k), a3);
            }
            ym[n] = _mm512_reduce_add_ps(a0) + b[n];
            ym[n + 1] = _mm512_reduce_add_ps(a1) + b[n + 1];
            ym[n + 2] = _mm512_reduce_add_ps(a2) + b[n + 2];
            ym[n + 3] = _mm512_reduce_add_ps(a3) + b[n + 3];
        }
        for (; n < N; ++n) {
            const float* __restrict__ wn = W + (long)n * K;
            __m512 acc = _mm512_setzero_ps();
            for (int k = 0; k < K; k += VLEN) {
                const __mmask16 km = k_mask(K - k);
                acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(km, xm + k), _mm512_maskz_loadu_ps(km, wn + k), acc);
            }
            ym[n] = _mm512_reduce_add_ps(acc) + b[n];
        }
    }
}
