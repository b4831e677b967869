// Row softmax, one block per row, block-wide max / sum through shared-memory tree reductions.
#include <cuda_runtime.h>

#define THREADS 128

__device__ __forceinline__ float block_reduce_max(float v, float* red) {
  const int tid = threadIdx.x;
  red[tid] = v;
  __syncthreads();
#pragma unroll
  for (int s = THREADS / 2; s > 0; s >>= 1) {
    if (tid < s) red[tid] = fmaxf(red[tid], red[tid + s]);
    __syncthreads();
  }
  const float r = red[0];
  __syncthreads();  // red is reused by the next reduction
  return r;
}

__device__ __forceinline__ float block_reduce_sum(float v, float* red) {
  const int tid = threadIdx.x;
  red[tid] = v;
  __syncthreads();
#pragma unroll
  for (int s = THREADS / 2; s > 0; s >>= 1) {
    if (tid < s) red[tid] += red[tid + s];
    __syncthreads();
  }
  const float r = red[0];
  __syncthreads();
  return r;
}

__global__ void __launch_bounds__(THREADS) softmax_rows(const float* __restrict__ x,
                                                        float* __restrict__ y, int cols) {
  __shared__ float red[THREADS];
  const float* __restrict__ xr = x + (size_t)blockIdx.x * cols;
  float* __restrict__ yr = y + (size_t)blockIdx.x * cols;

  float m = -INFINITY;
  for (int c = threadIdx.x; c < cols; c += THREADS) m = fmaxf(m, xr[c]);
  m = block_reduce_max(m, red);

  float s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += THREADS) {
    const float e = expf(xr[c] - m);
    yr[c] = e;
    s += e;
  }
  s = block_reduce_sum(s, red);

  const float inv = 1.0f / s;
  for (int c = threadIdx.x; c < cols; c += THREADS) yr[c] *= inv;  // each thread rescales its own elements
}

extern "C" void softmax_rows_kernel(const float* x, float* y, int rows, int cols) {
  float *d_x, *d_y;
  const size_t bytes = (size_t)rows * cols * sizeof(float);
  cudaMalloc((void**)&d_x, bytes);
  cudaMalloc((void**)&d_y, bytes);
  cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice);

  dim3 grid(rows), block(THREADS);
  softmax_rows<<<grid, block>>>(d_x, d_y, cols);

  cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_y);
}
