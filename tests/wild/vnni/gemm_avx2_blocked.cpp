#include <immintrin.h>
#include <string.h>

// Row-major SGEMM, C = A * B, A is MxK, B is KxN.
// Cache blocked MC x KC x NC; inside a block, rank-1 updates with broadcast A(i,k)
// and 8-wide FMA across the row of B. Block sizes do not have to divide the shapes.
#define MC 48
#define KC 96
#define NC 64

extern "C" void sgemm_blocked(float* C, const float* A, const float* B, int M, int N, int K)
{
    memset(C, 0, sizeof(float) * (size_t)M * N);
    for (int jc = 0; jc < N; jc += NC) {
        int nb = (N - jc < NC) ? N - jc : NC;
        for (int pc = 0; pc < K; pc += KC) {
            int kb = (K - pc < KC) ? K - pc : KC;
            for (int ic = 0; ic < M; ic += MC) {
                int mb = (M - ic < MC) ? M - ic : MC;
                for (int i = ic; i < ic + mb; ++i) {
                    float* c = C + (size_t)i * N + jc;
                    for (int k = pc; k < pc + kb; ++k) {
                        const float aik = A[(size_t)i * K + k];
                        const __m256 va = _mm256_set1_ps(aik);
                        const float* b = B + (size_t)k * N + jc;
                        int j = 0;
                        for (; j + 8 <= nb; j += 8) {
                            __m256 vc = _mm256_loadu_ps(c + j);
                            vc = _mm256_fmadd_ps(va, _mm256_loadu_ps(b + j), vc);
                            _mm256_storeu_ps(c + j, vc);
                        }
                        for (; j < nb; ++j)
                            c[j] += aik * b[j];
                    }
                }
            }
        }
    }
}
