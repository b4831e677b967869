// LayerNorm over a hidden size of 768, one block of 192 threads per token,
// each thread owning one float4 of the row (kept in registers between passes).
#include <cuda_runtime.h>

constexpr int HIDDEN = 768;
constexpr int THREADS = HIDDEN / 4;       // 192
constexpr int WARPS = THREADS / 32;       // 6
constexpr float EPS = 1e-5f;

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

// block-wide sum, result broadcast to every thread
__device__ float block_sum(float v, float* smem) {
  int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  if (lane == 0) smem[warp] = v;
  __syncthreads();
  float t = 0.f;
#pragma unroll
  for (int w = 0; w < WARPS; ++w) t += smem[w];
  __syncthreads();
  return t;
}

__global__ void __launch_bounds__(THREADS)
layernorm_768(const float4* __restrict__ x, const float4* __restrict__ gamma,
              const float4* __restrict__ beta, float4* __restrict__ y) {
  __shared__ float smem[WARPS];
  const int row = blockIdx.x;
  float4 v = x[row * THREADS + threadIdx.x];

  float mean = block_sum(v.x + v.y + v.z + v.w, smem) * (1.0f / HIDDEN);
  float dx = v.x - mean, dy = v.y - mean, dz = v.z - mean, dw = v.w - mean;
  float var = block_sum(dx * dx + dy * dy + dz * dz + dw * dw, smem) * (1.0f / HIDDEN);
  float rstd = rsqrtf(var + EPS);

  float4 g = gamma[threadIdx.x], b = beta[threadIdx.x];
  float4 o;
  o.x = dx * rstd * g.x + b.x;
  o.y = dy * rstd * g.y + b.y;
  o.z = dz * rstd * g.z + b.z;
  o.w = dw * rstd * g.w + b.w;
  y[row * THREADS + threadIdx.x] = o;
}

extern "C" void layernorm_kernel(float* x, float* gamma, float* beta, float* y, int tokens) {
  float *dx, *dg, *db, *dy;
  size_t n = (size_t)tokens * HIDDEN;
  cudaMalloc(&dx, n * sizeof(float));
  cudaMalloc(&dy, n * sizeof(float));
  cudaMalloc(&dg, HIDDEN * sizeof(float));
  cudaMalloc(&db, HIDDEN * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dg, gamma, HIDDEN * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(db, beta, HIDDEN * sizeof(float), cudaMemcpyHostToDevice);
  layernorm_768<<<tokens, THREADS>>>((const float4*)dx, (const float4*)dg, (const float4*)db, (float4*)dy);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dy); cudaFree(dg); cudaFree(db);
}
