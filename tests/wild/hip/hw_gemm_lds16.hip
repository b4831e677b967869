#include <hip/hip_runtime.h>
#include <iostream>

#define HIP_CHECK(expr) do { hipError_t st = (expr); if (st != hipSuccess) { \
    std::cerr << "HIP error " << hipGetErrorString(st) << " at line " << __LINE__ << std::endl; } } while (0)

#define TILE_SIZE 16

// C[M x N] = A[M x K] * B[K x N] + bias[N]
__global__ void matmul_bias_tiled(const float* A, const float* B, const float* bias, float* C,
                                  int M, int N, int K) {
  __shared__ float tileA[TILE_SIZE][TILE_SIZE];
  __shared__ float tileB[TILE_SIZE][TILE_SIZE + 1];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int row = blockIdx.y * TILE_SIZE + ty;
  const int col = blockIdx.x * TILE_SIZE + tx;

  float value = 0.0f;
  const int numTiles = (K + TILE_SIZE - 1) / TILE_SIZE;
  for (int t = 0; t < numTiles; ++t) {
    const int aCol = t * TILE_SIZE + tx;
    const int bRow = t * TILE_SIZE + ty;
    tileA[ty][tx] = (row < M && aCol < K) ? A[row * K + aCol] : 0.0f;
    tileB[ty][tx] = (bRow < K && col < N) ? B[bRow * N + col] : 0.0f;
    __syncthreads();
#pragma unroll
    for (int k = 0; k < TILE_SIZE; ++k) value = fmaf(tileA[ty][k], tileB[k][tx], value);
    __syncthreads();
  }
  if (row < M && col < N) C[row * N + col] = value + bias[col];
}

extern "C" void gemm_bias(float* A, float* B, float* bias, float* C, int M, int N, int K) {
  float *dA, *dB, *dBias, *dC;
  HIP_CHECK(hipMalloc(&dA, M * K * sizeof(float)));
  HIP_CHECK(hipMalloc(&dB, K * N * sizeof(float)));
  HIP_CHECK(hipMalloc(&dBias, N * sizeof(float)));
  HIP_CHECK(hipMalloc(&dC, M * N * sizeof(float)));
  HIP_CHECK(hipMemcpy(dA, A, M * K * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dB, B, K * N * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dBias, bias, N * sizeof(float), hipMemcpyHostToDevice));

  dim3 block(TILE_SIZE, TILE_SIZE);
  dim3 grid((N + TILE_SIZE - 1) / TILE_SIZE, (M + TILE_SIZE - 1) / TILE_SIZE);
  hipLaunchKernelGGL(matmul_bias_tiled, grid, block, 0, 0, dA, dB, dBias, dC, M, N, K);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());

  HIP_CHECK(hipMemcpy(C, dC, M * N * sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dB));
  HIP_CHECK(hipFree(dBias));
  HIP_CHECK(hipFree(dC));
}
