// Row-wise mean and min of a [rows][cols] fp32 matrix: one warp per row (8 rows per block), each
// lane strides over the columns, then a __shfl_down_sync tree for the sum and the min; lane 0
// writes the row's mean and min. Rows past the end exit as whole warps (no barrier follows).
#include <cuda_runtime.h>
#include <cfloat>

#define WARP_SIZE 32
#define ROWS_PER_BLOCK 8
#define THREADS (WARP_SIZE * ROWS_PER_BLOCK)
#define FULL_MASK 0xffffffffu
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) reduce_rows_mean_min(const float* __restrict__ x,
                                                                float* __restrict__ mean,
                                                                float* __restrict__ mins,
                                                                int rows, int cols) {
  const int lane = threadIdx.x % WARP_SIZE;
  const int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / WARP_SIZE;
  if (row >= rows) return;
  const float* __restrict__ xr = x + (size_t)row * cols;
  float s = 0.0f, m = FLT_MAX;
  for (int c = lane; c < cols; c += WARP_SIZE) {
    const float v = xr[c];
    s += v;
    m = fminf(m, v);
  }
#pragma unroll
  for (int o = WARP_SIZE / 2; o > 0; o >>= 1) {
    s += __shfl_down_sync(FULL_MASK, s, o);
    m = fminf(m, __shfl_down_sync(FULL_MASK, m, o));
  }
  if (lane == 0) {
    mean[row] = s / (float)cols;
    mins[row] = m;
  }
}

extern "C" void reduce_rows_mean_min_kernel(const float* x, float* mean, float* mins, int rows,
                                            int cols) {
  float *d_x, *d_mean, *d_min;
  cudaMalloc((void**)&d_x, (size_t)rows * cols * sizeof(float));
  cudaMalloc((void**)&d_mean, (size_t)rows * sizeof(float));
  cudaMalloc((void**)&d_min, (size_t)rows * sizeof(float));
  cudaMemcpy(d_x, x, (size_t)rows * cols * sizeof(float), cudaMemcpyHostToDevice);

  reduce_rows_mean_min<<<CEIL_DIV(rows, ROWS_PER_BLOCK), THREADS>>>(d_x, d_mean, d_min, rows, cols);

  cudaMemcpy(mean, d_mean, (size_t)rows * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(mins, d_min, (size_t)rows * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_mean);
  cudaFree(d_min);
}
