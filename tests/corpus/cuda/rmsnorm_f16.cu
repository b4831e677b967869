// RMSNorm on __half rows, one block per row: fp32 sum of squares, __shfl_down_sync per warp,
// per-warp partials in shared memory, final warp reduce, broadcast through shared memory.
#include <cuda_runtime.h>
#include <cuda_fp16.h>

#define THREADS 256
#define WARPS (THREADS / 32)
#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float warp_reduce_sum(float v) {
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(FULL_MASK, v, o);
  return v;
}

__global__ void __launch_bounds__(THREADS) rmsnorm_f16(const __half* __restrict__ x,
                                                       const __half* __restrict__ weight,
                                                       __half* __restrict__ y, int cols, float eps) {
  __shared__ float partial[WARPS];
  __shared__ float s_rstd;
  const int tid = threadIdx.x;
  const int lane = tid & 31;
  const int warp = tid >> 5;
  const __half* __restrict__ xr = x + (size_t)blockIdx.x * cols;
  __half* __restrict__ yr = y + (size_t)blockIdx.x * cols;

  float ss = 0.0f;
  for (int c = tid; c < cols; c += THREADS) {
    const float v = __half2float(xr[c]);
    ss += v * v;
  }
  ss = warp_reduce_sum(ss);
  if (lane == 0) partial[warp] = ss;
  __syncthreads();

  if (warp == 0) {
    float t = (lane < WARPS) ? partial[lane] : 0.0f;
    t = warp_reduce_sum(t);
    if (lane == 0) s_rstd = rsqrtf(t / (float)cols + eps);
  }
  __syncthreads();

  const float rstd = s_rstd;
  for (int c = tid; c < cols; c += THREADS) {
    const float v = __half2float(xr[c]) * rstd * __half2float(weight[c]);
    yr[c] = __float2half(v);
  }
}

extern "C" void rmsnorm_f16_kernel(const __half* x, const __half* weight, __half* y, int rows,
                                   int cols, float eps) {
  __half *d_x, *d_w, *d_y;
  const size_t bytes = (size_t)rows * cols * sizeof(__half);
  cudaMalloc((void**)&d_x, bytes);
  cudaMalloc((void**)&d_w, (size_t)cols * sizeof(__half));
  cudaMalloc((void**)&d_y, bytes);
  cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_w, weight, (size_t)cols * sizeof(__half), cudaMemcpyHostToDevice);

  dim3 grid(rows), block(THREADS);
  rmsnorm_f16<<<grid, block>>>(d_x, d_w, d_y, cols, eps);

  cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_w);
  cudaFree(d_y);
}
