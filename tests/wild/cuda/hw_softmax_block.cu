// Row softmax: one thread block per row, block-wide max and sum through shared memory.
#include <cuda_runtime.h>
#include <cfloat>

template <int BLOCK_SIZE>
__global__ void softmax_rows(const float* __restrict__ in, float* __restrict__ out, int cols) {
  __shared__ float red[BLOCK_SIZE];
  const float* x = in + (size_t)blockIdx.x * cols;
  float* y = out + (size_t)blockIdx.x * cols;
  int tid = threadIdx.x;

  float local_max = -FLT_MAX;
  for (int c = tid; c < cols; c += BLOCK_SIZE) local_max = max(local_max, x[c]);
  red[tid] = local_max;
  __syncthreads();
  for (int s = BLOCK_SIZE / 2; s > 0; s >>= 1) {
    if (tid < s) red[tid] = max(red[tid], red[tid + s]);
    __syncthreads();
  }
  float row_max = red[0];
  __syncthreads();

  float local_sum = 0.f;
  for (int c = tid; c < cols; c += BLOCK_SIZE) {
    float e = expf(x[c] - row_max);
    y[c] = e;
    local_sum += e;
  }
  red[tid] = local_sum;
  __syncthreads();
  for (int s = BLOCK_SIZE / 2; s > 0; s >>= 1) {
    if (tid < s) red[tid] += red[tid + s];
    __syncthreads();
  }
  float inv = 1.f / red[0];

  for (int c = tid; c < cols; c += BLOCK_SIZE) y[c] *= inv;
}

extern "C" void softmax_kernel(float* input, float* output, int rows, int cols) {
  float *d_in = nullptr, *d_out = nullptr;
  size_t bytes = (size_t)rows * cols * sizeof(float);
  cudaMalloc(&d_in, bytes);
  cudaMalloc(&d_out, bytes);
  cudaMemcpy(d_in, input, bytes, cudaMemcpyHostToDevice);
  if (cols >= 512)
    softmax_rows<256><<<rows, 256>>>(d_in, d_out, cols);
  else
    softmax_rows<64><<<rows, 64>>>(d_in, d_out, cols);
  cudaMemcpy(output, d_out, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_in);
  cudaFree(d_out);
}
