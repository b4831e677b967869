// RMSNorm for fp16 hidden states (fp32 accumulation), one 128-thread block per row.
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <cstdio>

#define CUDA_CHECK(stmt) do { cudaError_t _e = (stmt); if (_e != cudaSuccess) \
  fprintf(stderr, "%s:%d %s\n", __FILE__, __LINE__, cudaGetErrorString(_e)); } while (0)

#define RMS_THREADS 128

__global__ void rmsnorm_f16_kernel(__half* __restrict__ out, const __half* __restrict__ in,
                                   const __half* __restrict__ weight, float eps, int hidden) {
  __shared__ float s_warp[RMS_THREADS / 32];
  __shared__ float s_inv;
  const __half2* row2 = reinterpret_cast<const __half2*>(in + (size_t)blockIdx.x * hidden);
  const __half2* w2 = reinterpret_cast<const __half2*>(weight);
  __half2* out2 = reinterpret_cast<__half2*>(out + (size_t)blockIdx.x * hidden);
  const int h2 = hidden / 2;

  float ss = 0.0f;
  for (int i = threadIdx.x; i < h2; i += RMS_THREADS) {
    float2 f = __half22float2(row2[i]);
    ss += f.x * f.x + f.y * f.y;
  }
  for (int off = 16; off > 0; off >>= 1) ss += __shfl_xor_sync(0xffffffff, ss, off);
  if ((threadIdx.x & 31) == 0) s_warp[threadIdx.x >> 5] = ss;
  __syncthreads();
  if (threadIdx.x == 0) {
    float tot = 0.0f;
    for (int w = 0; w < RMS_THREADS / 32; ++w) tot += s_warp[w];
    s_inv = rsqrtf(tot / (float)hidden + eps);
  }
  __syncthreads();
  const float inv = s_inv;

  for (int i = threadIdx.x; i < h2; i += RMS_THREADS) {
    float2 f = __half22float2(row2[i]);
    float2 w = __half22float2(w2[i]);
    out2[i] = __floats2half2_rn(f.x * inv * w.x, f.y * inv * w.y);
  }
}

extern "C" void rmsnorm_fp16(__half* x, __half* w, __half* y, int rows, int hidden) {
  __half *dx, *dw, *dy;
  size_t bytes = (size_t)rows * hidden * sizeof(__half);
  CUDA_CHECK(cudaMalloc(&dx, bytes));
  CUDA_CHECK(cudaMalloc(&dy, bytes));
  CUDA_CHECK(cudaMalloc(&dw, hidden * sizeof(__half)));
  CUDA_CHECK(cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dw, w, hidden * sizeof(__half), cudaMemcpyHostToDevice));
  rmsnorm_f16_kernel<<<rows, RMS_THREADS>>>(dy, dx, dw, 1e-6f, hidden);
  CUDA_CHECK(cudaGetLastError());
  CUDA_CHECK(cudaDeviceSynchronize());
  CUDA_CHECK(cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost));
  cudaFree(dx); cudaFree(dy); cudaFree(dw);
}
