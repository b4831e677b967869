// LayerNorm forward, ported from a CUDA kernel with hipify.
// The warp reduction still uses 32-lane strides: on a 64-wide wavefront lanes 0 and 32
// each end up with the sum of their half, which is exactly what the per-"warp" slots expect.
#include "hip/hip_runtime.h"

#define BLOCK_DIM 256
#define WARP_SIZE 32

__inline__ __device__ float warpReduceSum(float val) {
  for (int offset = WARP_SIZE / 2; offset > 0; offset /= 2)
    val += __shfl_down(val, offset);
  return val;
}

__inline__ __device__ float blockReduceSum(float val) {
  static __shared__ float shared[BLOCK_DIM / WARP_SIZE];
  __shared__ float result;
  int lane = threadIdx.x % WARP_SIZE;
  int wid = threadIdx.x / WARP_SIZE;
  val = warpReduceSum(val);
  if (lane == 0) shared[wid] = val;
  __syncthreads();
  if (threadIdx.x == 0) {
    float t = 0.0f;
    for (int i = 0; i < BLOCK_DIM / WARP_SIZE; i++) t += shared[i];
    result = t;
  }
  __syncthreads();
  return result;
}

__global__ void LayerNormForward(const float* X, const float* gamma, const float* beta,
                                 float* Y, int N, float eps) {
  const int row = blockIdx.x;
  const float* x = X + (size_t)row * N;
  float* y = Y + (size_t)row * N;

  float sum = 0.0f;
  for (int i = threadIdx.x; i < N; i += BLOCK_DIM) sum += x[i];
  const float mean = blockReduceSum(sum) / N;

  float sq = 0.0f;
  for (int i = threadIdx.x; i < N; i += BLOCK_DIM) {
    float d = x[i] - mean;
    sq += d * d;
  }
  const float var = blockReduceSum(sq) / N;
  const float rstd = 1.0f / sqrtf(var + eps);

  for (int i = threadIdx.x; i < N; i += BLOCK_DIM)
    y[i] = (x[i] - mean) * rstd * gamma[i] + beta[i];
}

extern "C" void layer_norm(float* X, float* gamma, float* beta, float* Y, int M, int N) {
  float *dX, *dG, *dB, *dY;
  hipMalloc(&dX, sizeof(float) * M * N);
  hipMalloc(&dY, sizeof(float) * M * N);
  hipMalloc(&dG, sizeof(float) * N);
  hipMalloc(&dB, sizeof(float) * N);
  hipMemcpy(dX, X, sizeof(float) * M * N, hipMemcpyHostToDevice);
  hipMemcpy(dG, gamma, sizeof(float) * N, hipMemcpyHostToDevice);
  hipMemcpy(dB, beta, sizeof(float) * N, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(LayerNormForward, dim3(M), dim3(BLOCK_DIM), 0, 0, dX, dG, dB, dY, N, 1e-5f);
  hipDeviceSynchronize();
  hipMemcpy(Y, dY, sizeof(float) * M * N, hipMemcpyDeviceToHost);
  hipFree(dX); hipFree(dY); hipFree(dG); hipFree(dB);
}
