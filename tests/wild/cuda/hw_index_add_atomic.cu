// index_add_ along dim 0:  out[index[i], :] += src[i, :]
// Duplicate indices are common, so updates go through atomicAdd.
#include <cuda_runtime.h>
#include <cstdint>

__global__ void index_add_kernel(float* out, const int64_t* index, const float* src,
                                 int n_src, int dim) {
  int total = n_src * dim;
  for (int t = blockIdx.x * blockDim.x + threadIdx.x; t < total; t += blockDim.x * gridDim.x) {
    int row = t / dim;
    int col = t - row * dim;
    int64_t dst = index[row];
    atomicAdd(&out[dst * dim + col], src[t]);
  }
}

extern "C" void index_add(float* out, int64_t* index, float* src, int n_out, int n_src, int dim) {
  float *d_out, *d_src;
  int64_t* d_idx;
  cudaMalloc(&d_out, sizeof(float) * n_out * dim);
  cudaMalloc(&d_src, sizeof(float) * n_src * dim);
  cudaMalloc(&d_idx, sizeof(int64_t) * n_src);
  cudaMemcpy(d_out, out, sizeof(float) * n_out * dim, cudaMemcpyHostToDevice);
  cudaMemcpy(d_src, src, sizeof(float) * n_src * dim, cudaMemcpyHostToDevice);
  cudaMemcpy(d_idx, index, sizeof(int64_t) * n_src, cudaMemcpyHostToDevice);
  index_add_kernel<<<16, 256>>>(d_out, d_idx, d_src, n_src, dim);
  cudaMemcpy(out, d_out, sizeof(float) * n_out * dim, cudaMemcpyDeviceToHost);
  cudaFree(d_out);
  cudaFree(d_src);
  cudaFree(d_idx);
}
