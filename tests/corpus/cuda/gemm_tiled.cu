// fp32 GEMM C = alpha * A * B + beta * C, shared-memory tiles (BM x BK of A, BK x BN of B),
// 16x16 threads, each computing a 2x2 micro-tile (rows ty, ty+16; cols tx, tx+16).
// Out-of-range tile elements are zero-filled, so any M, N, K works.
#include <cuda_runtime.h>

#define BM 32
#define BN 32
#define BK 16
#define TX 16
#define TY 16
#define THREADS (TX * TY)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) gemm_tiled(const float* __restrict__ A,
                                                      const float* __restrict__ B,
                                                      float* __restrict__ C, int M, int N, int K,
                                                      float alpha, float beta) {
  __shared__ float As[BM][BK];
  __shared__ float Bs[BK][BN + 1];

  const int tx = threadIdx.x;
  const int ty = threadIdx.y;
  const int tid = ty * TX + tx;
  const int row0 = blockIdx.y * BM;
  const int col0 = blockIdx.x * BN;

  float acc00 = 0.0f, acc01 = 0.0f, acc10 = 0.0f, acc11 = 0.0f;

  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK;
      const int c = i % BK;
      const int gr = row0 + r;
      const int gc = k0 + c;
      As[r][c] = (gr < M && gc < K) ? A[(size_t)gr * K + gc] : 0.0f;
    }
#pragma unroll
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN;
      const int c = i % BN;
      const int gr = k0 + r;
      const int gc = col0 + c;
      Bs[r][c] = (gr < K && gc < N) ? B[(size_t)gr * N + gc] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      const float a0 = As[ty][kk];
      const float a1 = As[ty + TY][kk];
      const float b0 = Bs[kk][tx];
      const float b1 = Bs[kk][tx + TX];
      acc00 += a0 * b0;
      acc01 += a0 * b1;
      acc10 += a1 * b0;
      acc11 += a1 * b1;
    }
    __syncthreads();
  }

  const int r0 = row0 + ty, r1 = row0 + ty + TY;
  const int c0 = col0 + tx, c1 = col0 + tx + TX;
  if (r0 < M && c0 < N) C[(size_t)r0 * N + c0] = alpha * acc00 + beta * C[(size_t)r0 * N + c0];
  if (r0 < M && c1 < N) C[(size_t)r0 * N + c1] = alpha * acc01 + beta * C[(size_t)r0 * N + c1];
  if (r1 < M && c0 < N) C[(size_t)r1 * N + c0] = alpha * acc10 + beta * C[(size_t)r1 * N + c0];
  if (r1 < M && c1 < N) C[(size_t)r1 * N + c1] = alpha * acc11 + beta * C[(size_t)r1 * N + c1];
}

extern "C" void gemm_tiled_kernel(const float* A, const float* B, float* C, int M, int N, int K,
                                  float alpha, float beta) {
  float *d_A, *d_B, *d_C;
  cudaMalloc((void**)&d_A, (size_t)M * K * sizeof(float));
  cudaMalloc((void**)&d_B, (size_t)K * N * sizeof(float));
  cudaMalloc((void**)&d_C, (size_t)M * N * sizeof(float));
  cudaMemcpy(d_A, A, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_B, B, (size_t)K * N * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_C, C, (size_t)M * N * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM)), block(TX, TY);
  gemm_tiled<<<grid, block>>>(d_A, d_B, d_C, M, N, K, alpha, beta);

  cudaMemcpy(C, d_C, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_A);
  cudaFree(d_B);
  cudaFree(d_C);
}
