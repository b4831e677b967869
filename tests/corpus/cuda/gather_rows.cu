// Embedding-style row gather out[i][:] = table[idx[i]][:]; a negative index marks padding and
// yields a zero row. Block = 32 x ROWS_PER_BLOCK threads: threadIdx.y picks the output row,
// threadIdx.x strides over the D columns.
#include <cuda_runtime.h>

#define ROWS_PER_BLOCK 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(32 * ROWS_PER_BLOCK) gather_rows(const float* __restrict__ table,
                                                                   const int* __restrict__ idx,
                                                                   float* __restrict__ out,
                                                                   int num, int D) {
  const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.y;
  if (i >= num) return;
  const int src = __ldg(&idx[i]);
  float* __restrict__ dst = out + (size_t)i * D;
  if (src < 0) {
    for (int d = threadIdx.x; d < D; d += 32) dst[d] = 0.0f;
    return;
  }
  const float* __restrict__ row = table + (size_t)src * D;
  for (int d = threadIdx.x; d < D; d += 32) dst[d] = __ldg(&row[d]);
}

extern "C" void gather_rows_kernel(const float* table, const int* idx, float* out, int V, int num,
                                   int D) {
  float *d_table, *d_out;
  int* d_idx;
  cudaMalloc((void**)&d_table, (size_t)V * D * sizeof(float));
  cudaMalloc((void**)&d_idx, (size_t)num * sizeof(int));
  cudaMalloc((void**)&d_out, (size_t)num * D * sizeof(float));
  cudaMemcpy(d_table, table, (size_t)V * D * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_idx, idx, (size_t)num * sizeof(int), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(num, ROWS_PER_BLOCK)), block(32, ROWS_PER_BLOCK);
  gather_rows<<<grid, block>>>(d_table, d_idx, d_out, num, D);

  cudaMemcpy(out, d_out, (size_t)num * D * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_table);
  cudaFree(d_idx);
  cudaFree(d_out);
}
