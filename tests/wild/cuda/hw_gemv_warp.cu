// y = A * x  (A row-major M x K, K % 4 == 0), one warp per output row, float4 loads.
#include <cuda_runtime.h>

#define WARPS_PER_BLOCK 8

__device__ __forceinline__ float dot4(float4 a, float4 b) {
  return a.x * b.x + a.y * b.y + a.z * b.z + a.w * b.w;
}

__global__ void gemv_rows(const float* __restrict__ A, const float* __restrict__ x,
                          float* __restrict__ y, int M, int K) {
  int warp_id = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / 32;
  int lane = threadIdx.x % 32;
  if (warp_id >= M) return;

  const float4* a4 = reinterpret_cast<const float4*>(A + (size_t)warp_id * K);
  const float4* x4 = reinterpret_cast<const float4*>(x);
  float sum = 0.0f;
  for (int k = lane; k < K / 4; k += 32) sum += dot4(a4[k], x4[k]);

  sum += __shfl_down_sync(0xffffffff, sum, 16);
  sum += __shfl_down_sync(0xffffffff, sum, 8);
  sum += __shfl_down_sync(0xffffffff, sum, 4);
  sum += __shfl_down_sync(0xffffffff, sum, 2);
  sum += __shfl_down_sync(0xffffffff, sum, 1);
  if (lane == 0) y[warp_id] = sum;
}

extern "C" void gemv(float* A, float* x, float* y, int M, int K) {
  float *d_A, *d_x, *d_y;
  cudaMalloc((void**)&d_A, (size_t)M * K * sizeof(float));
  cudaMalloc((void**)&d_x, K * sizeof(float));
  cudaMalloc((void**)&d_y, M * sizeof(float));
  cudaMemcpy(d_A, A, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_x, x, K * sizeof(float), cudaMemcpyHostToDevice);
  int blocks = (M + WARPS_PER_BLOCK - 1) / WARPS_PER_BLOCK;
  gemv_rows<<<blocks, WARPS_PER_BLOCK * 32>>>(d_A, d_x, d_y, M, K);
  cudaDeviceSynchronize();
  cudaMemcpy(y, d_y, M * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_A);
  cudaFree(d_x);
  cudaFree(d_y);
}
