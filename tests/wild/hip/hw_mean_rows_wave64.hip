#include <hip/hip_runtime.h>

// Row mean of a [rows, cols] matrix. 256 threads = 4 wavefronts of 64 per row.
#define WAVE 64
#define NT 256

__device__ inline float wave_reduce_sum(float v) {
  for (int off = WAVE / 2; off > 0; off >>= 1) v += __shfl_xor(v, off);
  return v;
}

__global__ void __launch_bounds__(NT) row_mean(const float* in, float* out, int cols) {
  __shared__ float partial[NT / WAVE];
  const float* row = in + (size_t)blockIdx.x * cols;
  float s = 0.0f;
  for (int c = threadIdx.x; c < cols; c += NT) s += row[c];
  s = wave_reduce_sum(s);
  if (threadIdx.x % WAVE == 0) partial[threadIdx.x / WAVE] = s;
  __syncthreads();
  if (threadIdx.x == 0) {
    float t = partial[0] + partial[1] + partial[2] + partial[3];
    out[blockIdx.x] = t / cols;
  }
}

extern "C" void mean_lastdim(float* input, float* output, int rows, int cols) {
  float *d_in, *d_out;
  hipMalloc(&d_in, sizeof(float) * rows * cols);
  hipMalloc(&d_out, sizeof(float) * rows);
  hipMemcpy(d_in, input, sizeof(float) * rows * cols, hipMemcpyHostToDevice);
  hipLaunchKernelGGL(row_mean, dim3(rows), dim3(NT), 0, 0, d_in, d_out, cols);
  hipMemcpy(output, d_out, sizeof(float) * rows, hipMemcpyDeviceToHost);
  hipFree(d_in);
  hipFree(d_out);
}
