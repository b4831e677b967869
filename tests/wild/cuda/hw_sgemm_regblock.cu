// SGEMM  C = alpha * A * B + beta * C   (row-major, A: MxK, B: KxN, C: MxN)
// 64x64 block tile, BK = 8, 256 threads, each thread computes a 4x4 micro-tile.
#include <cuda_runtime.h>
#include <cstdio>

#define BM 64
#define BN 64
#define BK 8
#define TM 4
#define TN 4

#define cudaCheck(ans) { gpuAssert((ans), __FILE__, __LINE__); }
inline void gpuAssert(cudaError_t code, const char* file, int line) {
  if (code != cudaSuccess) fprintf(stderr, "GPUassert: %s %s %d\n", cudaGetErrorString(code), file, line);
}

__global__ void __launch_bounds__(256)
sgemm_64x64(int M, int N, int K, float alpha, const float* __restrict__ A,
            const float* __restrict__ B, float beta, float* __restrict__ C) {
  __shared__ float As[BK][BM];   // A tile stored transposed (k-major)
  __shared__ float Bs[BK][BN];

  const int tid = threadIdx.x;
  const int tx = tid % 16;       // column group
  const int ty = tid / 16;       // row group
  const int rowBase = blockIdx.y * BM;
  const int colBase = blockIdx.x * BN;

  float acc[TM][TN] = {{0.f}};
  float regA[TM], regB[TN];

  for (int k0 = 0; k0 < K; k0 += BK) {
    // A tile: 64 rows x 8 cols = 512 values, 2 per thread
#pragma unroll
    for (int l = 0; l < 2; ++l) {
      int e = tid + l * 256;
      int r = e / BK, c = e % BK;
      int gr = rowBase + r, gc = k0 + c;
      As[c][r] = (gr < M && gc < K) ? A[gr * K + gc] : 0.f;
    }
    // B tile: 8 rows x 64 cols
#pragma unroll
    for (int l = 0; l < 2; ++l) {
      int e = tid + l * 256;
      int r = e / BN, c = e % BN;
      int gr = k0 + r, gc = colBase + c;
      Bs[r][c] = (gr < K && gc < N) ? B[gr * N + gc] : 0.f;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
#pragma unroll
      for (int i = 0; i < TM; ++i) regA[i] = As[kk][ty * TM + i];
#pragma unroll
      for (int j = 0; j < TN; ++j) regB[j] = Bs[kk][tx * TN + j];
#pragma unroll
      for (int i = 0; i < TM; ++i)
#pragma unroll
        for (int j = 0; j < TN; ++j) acc[i][j] += regA[i] * regB[j];
    }
    __syncthreads();
  }

#pragma unroll
  for (int i = 0; i < TM; ++i) {
    int r = rowBase + ty * TM + i;
    if (r >= M) continue;
#pragma unroll
    for (int j = 0; j < TN; ++j) {
      int c = colBase + tx * TN + j;
      if (c < N) C[r * N + c] = alpha * acc[i][j] + beta * C[r * N + c];
    }
  }
}

extern "C" void sgemm(float* A, float* B, float* C, int M, int N, int K, float alpha, float beta) {
  float *dA, *dB, *dC;
  cudaCheck(cudaMalloc(&dA, sizeof(float) * M * K));
  cudaCheck(cudaMalloc(&dB, sizeof(float) * K * N));
  cudaCheck(cudaMalloc(&dC, sizeof(float) * M * N));
  cudaCheck(cudaMemcpy(dA, A, sizeof(float) * M * K, cudaMemcpyHostToDevice));
  cudaCheck(cudaMemcpy(dB, B, sizeof(float) * K * N, cudaMemcpyHostToDevice));
  cudaCheck(cudaMemcpy(dC, C, sizeof(float) * M * N, cudaMemcpyHostToDevice));
  dim3 grid((N + BN - 1) / BN, (M + BM - 1) / BM);
  dim3 block(256);
  sgemm_64x64<<<grid, block>>>(M, N, K, alpha, dA, dB, beta, dC);
  cudaCheck(cudaGetLastError());
  cudaCheck(cudaMemcpy(C, dC, sizeof(float) * M * N, cudaMemcpyDeviceToHost));
  cudaFree(dA); cudaFree(dB); cudaFree(dC);
}
