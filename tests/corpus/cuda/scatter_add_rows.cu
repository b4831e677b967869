// Scatter-add of rows (index_add_): out[idx[i]][:] += src[i][:] for i < num, out accumulated
// in place. Indices repeat, so colliding rows are combined with atomicAdd; an index outside
// [0, V) is skipped. Block = 32 x ROWS_PER_BLOCK threads: threadIdx.y picks the source row,
// threadIdx.x strides over the D columns (coalesced reads of src, atomics on one output row).
#include <cuda_runtime.h>

#define ROWS_PER_BLOCK 8
#define WARP_SIZE 32
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(WARP_SIZE * ROWS_PER_BLOCK) scatter_add_rows(
    const float* __restrict__ src, const int* __restrict__ idx, float* __restrict__ out, int V,
    int num, int D) {
  const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.y;
  if (i >= num) return;
  const int dst = __ldg(&idx[i]);
  if (dst < 0 || dst >= V) return;  // uniform per warp row: dropped row
  const float* __restrict__ s = src + (size_t)i * D;
  float* __restrict__ o = out + (size_t)dst * D;
  for (int d = threadIdx.x; d < D; d += WARP_SIZE) atomicAdd(&o[d], __ldg(&s[d]));
}

extern "C" void scatter_add_rows_kernel(const float* src, const int* idx, float* out, int V,
                                        int num, int D) {
  float *d_src, *d_out;
  int* d_idx;
  cudaMalloc((void**)&d_src, (size_t)num * D * sizeof(float));
  cudaMalloc((void**)&d_idx, (size_t)num * sizeof(int));
  cudaMalloc((void**)&d_out, (size_t)V * D * sizeof(float));
  cudaMemcpy(d_src, src, (size_t)num * D * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_idx, idx, (size_t)num * sizeof(int), cudaMemcpyHostToDevice);
  cudaMemcpy(d_out, out, (size_t)V * D * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(num, ROWS_PER_BLOCK)), block(WARP_SIZE, ROWS_PER_BLOCK);
  scatter_add_rows<<<grid, block>>>(d_src, d_idx, d_out, V, num, D);

  cudaMemcpy(out, d_out, (size_t)V * D * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_src);
  cudaFree(d_idx);
  cudaFree(d_out);
}
