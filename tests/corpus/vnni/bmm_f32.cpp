// Batched float32 GEMM C[b] = A[b] * B[b] with fixed BM x BK x BN matrices, row-major.
// Each output row: broadcast A[b][m][k] and FMA against rows of B, 16 columns per zmm;
// the last column block (BN % 16) uses masked loads/stores. OpenMP over (batch, row).
#include <immintrin.h>

#define BM 24
#define BK 36
#define BN 40
#define VLEN 16
#define N_FULL (BN / VLEN)                   /* 2 full column vectors */
#define N_TAIL (BN % VLEN)                   /* 8 tail columns */
#define TAIL_MASK ((__mmask16)((1u << N_TAIL) - 1u))

extern "C" void bmm_f32(const float* __restrict__ A, const float* __restrict__ B,
                        float* __restrict__ C, int batch) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < batch; ++b) {
        for (int m = 0; m < BM; ++m) {
            const float* __restrict__ a = A + ((long)b * BM + m) * BK;
            const float* __restrict__ bb = B + (long)b * BK * BN;
            float* __restrict__ c = C + ((long)b * BM + m) * BN;
            __m512 acc[N_FULL + 1];
            for (int v = 0; v <= N_FULL; ++v) acc[v] = _mm512_setzero_ps();
            for (int k = 0; k < BK; ++k) {
                const __m512 va = _mm512_set1_ps(a[k]);
                const float* __restrict__ brow = bb + (long)k * BN;
                for (int v = 0; v < N_FULL; ++v)
                    acc[v] = _mm512_fmadd_ps(va, _mm512_loadu_ps(brow + v * VLEN), acc[v]);
                if (N_TAIL)
                    acc[N_FULL] = _mm512_fmadd_ps(va, _mm512_maskz_loadu_ps(TAIL_MASK, brow + N_FULL * VLEN),
                                                  acc[N_FULL]);
            }
            for (int v = 0; v < N_FULL; ++v) _mm512_storeu_ps(c + v * VLEN, acc[v]);
            if (N_TAIL) _mm512_mask_storeu_ps(c + N_FULL * VLEN, TAIL_MASK, acc[N_FULL]);
        }
    }
}
