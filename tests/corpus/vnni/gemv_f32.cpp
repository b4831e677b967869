// Float32 GEMV y[m] = sum_n A[m][n] * x[n] + bias[m], A row-major [M][N].
// Four rows per step share each x vector (4 FMA accumulators), masked loads on the N tail,
// horizontal _mm512_reduce_add_ps; leftover rows one at a time.
#include <immintrin.h>

#define VLEN 16
#define MR 4

static inline float dot_row(const float* __restrict__ a, const float* __restrict__ x, int n_main,
                            __mmask16 tail) {
    __m512 acc = _mm512_setzero_ps();
    for (int j = 0; j < n_main; j += VLEN)
        acc = _mm512_fmadd_ps(_mm512_loadu_ps(a + j), _mm512_loadu_ps(x + j), acc);
    if (tail)
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a + n_main),
                              _mm512_maskz_loadu_ps(tail, x + n_main), acc);
    return _mm512_reduce_add_ps(acc);
}

extern "C" void gemv_f32(const float* __restrict__ A, const float* __restrict__ x,
                         const float* __restrict__ bias, float* __restrict__ y, int M, int N) {
    const int n_main = N - N % VLEN;
    const __mmask16 tail = (__mmask16)((1u << (N - n_main)) - 1u);
    const int m_main = M - M % MR;
#pragma omp parallel for schedule(static)
    for (int m = 0; m < m_main; m += MR) {
        const float* __restrict__ a0 = A + (long)m * N;
        const float* __restrict__ a1 = a0 + N;
        const float* __restrict__ a2 = a1 + N;
        const float* __restrict__ a3 = a2 + N;
        __m512 c0 = _mm512_setzero_ps(), c1 = _mm512_setzero_ps();
        __m512 c2 = _mm512_setzero_ps(), c3 = _mm512_setzero_ps();
        for (int j = 0; j < n_main; j += VLEN) {
            const __m512 vx = _mm512_loadu_ps(x + j);
            c0 = _mm512_fmadd_ps(_mm512_loadu_ps(a0 + j), vx, c0);
            c1 = _mm512_fmadd_ps(_mm512_loadu_ps(a1 + j), vx, c1);
            c2 = _mm512_fmadd_ps(_mm512_loadu_ps(a2 + j), vx, c2);
            c3 = _mm512_fmadd_ps(_mm512_loadu_ps(a3 + j), vx, c3);
        }
        if (tail) {
            const __m512 vx = _mm512_maskz_loadu_ps(tail, x + n_main);
            c0 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a0 + n_main), vx, c0);
            c1 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a1 + n_main), vx, c1);
            c2 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a2 + n_main), vx, c2);
            c3 = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(tail, a3 + n_main), vx, c3);
        }
        y[m + 0] = _mm512_reduce_add_ps(c0) + bias[m + 0];
        y[m + 1] = _mm512_reduce_add_ps(c1) + bias[m + 1];
        y[m + 2] = _mm512_reduce_add_ps(c2) + bias[m + 2];
        y[m + 3] = _mm512_reduce_add_ps(c3) + bias[m + 3];
    }
    for (int m = m_main; m < M; ++m)
        y[m] = dot_row(A + (long)m * N, x, n_main, tail) + bias[m];
}
