// Batched matmul C[b] = A[b] (MxK) * B[b] (KxN), row-major, contiguous batches.
// i-k-j order so the innermost loop streams rows of B and C.
extern "C" void bmm(float* C, const float* A, const float* B, int batch, int M, int N, int K)
{
#pragma omp parallel for collapse(2)
    for (int b = 0; b < batch; b++) {
        for (int i = 0; i < M; i++) {
            float* c = C + ((long)b * M + i) * N;
            const float* a = A + ((long)b * M + i) * K;
            const float* bb = B + (long)b * K * N;
            for (int j = 0; j < N; j++) c[j] = 0.0f;
            for (int k = 0; k < K; k++) {
                float aik = a[k];
                for (int j = 0; j < N; j++)
                    c[j] += aik * bb[k * N + j];
            }
        }
    }
}
