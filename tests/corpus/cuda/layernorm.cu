// LayerNorm over a fixed hidden size, one warp per row, row cached in registers,
// mean and variance by __shfl_xor_sync butterflies (every lane ends with the full sum).
#include <cuda_runtime.h>

#define HIDDEN 200
#define WARP_SIZE 32
#define WARPS_PER_BLOCK 4
#define THREADS (WARPS_PER_BLOCK * WARP_SIZE)
#define VALS_PER_LANE ((HIDDEN + WARP_SIZE - 1) / WARP_SIZE)
#define LN_EPS 1e-5f
#define FULL_MASK 0xffffffffu
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float warp_allreduce_sum(float v) {
#pragma unroll
  for (int o = WARP_SIZE / 2; o > 0; o >>= 1) v += __shfl_xor_sync(FULL_MASK, v, o);
  return v;
}

__global__ void __launch_bounds__(THREADS) layernorm(const float* __restrict__ x,
                                                     const float* __restrict__ gamma,
                                                     const float* __restrict__ beta,
                                                     float* __restrict__ y, int rows) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int row = blockIdx.x * WARPS_PER_BLOCK + threadIdx.x / WARP_SIZE;
  if (row >= rows) return;  // uniform per warp; no block barrier below

  const float* __restrict__ xr = x + (size_t)row * HIDDEN;
  float v[VALS_PER_LANE];
  float sum = 0.0f;
#pragma unroll
  for (int i = 0; i < VALS_PER_LANE; ++i) {
    const int c = lane + i * WARP_SIZE;
    v[i] = (c < HIDDEN) ? xr[c] : 0.0f;
    sum += v[i];
  }
  const float mean = warp_allreduce_sum(sum) * (1.0f / HIDDEN);

  float sq = 0.0f;
#pragma unroll
  for (int i = 0; i < VALS_PER_LANE; ++i) {
    const int c = lane + i * WARP_SIZE;
    const float d = (c < HIDDEN) ? v[i] - mean : 0.0f;
    sq += d * d;
  }
  const float var = warp_allreduce_sum(sq) * (1.0f / HIDDEN);
  const float rstd = rsqrtf(var + LN_EPS);

  float* __restrict__ yr = y + (size_t)row * HIDDEN;
#pragma unroll
  for (int i = 0; i < VALS_PER_LANE; ++i) {
    const int c = lane + i * WARP_SIZE;
    if (c < HIDDEN) yr[c] = (v[i] - mean) * rstd * gamma[c] + beta[c];
  }
}

extern "C" void layernorm_kernel(const float* x, const float* gamma, const float* beta, float* y,
                                 int rows) {
  float *d_x, *d_g, *d_b, *d_y;
  const size_t bytes = (size_t)rows * HIDDEN * sizeof(float);
  cudaMalloc((void**)&d_x, bytes);
  cudaMalloc((void**)&d_g, HIDDEN * sizeof(float));
  cudaMalloc((void**)&d_b, HIDDEN * sizeof(float));
  cudaMalloc((void**)&d_y, bytes);
  cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_g, gamma, HIDDEN * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, beta, HIDDEN * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(rows, WARPS_PER_BLOCK)), block(THREADS);
  layernorm<<<grid, block>>>(d_x, d_g, d_b, d_y, rows);

  cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_g);
  cudaFree(d_b);
  cudaFree(d_y);
}
