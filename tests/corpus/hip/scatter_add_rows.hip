// Scatter-add of rows by an index array (embedding-gradient style): out[idx[i]][:] += src[i][:] and
// counts[idx[i]] += 1, with duplicate indices resolved by atomicAdd (float and int32); a negative index
// marks padding and is skipped. Block = 64 x ROWS_PER_BLOCK threads: threadIdx.y picks the source row
// (one wavefront per row, wave-uniform index), threadIdx.x strides over the D columns.
#include <hip/hip_runtime.h>

#define WAVE 64
#define ROWS_PER_BLOCK 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(WAVE * ROWS_PER_BLOCK)
scatter_add_rows(const float* __restrict__ src, const int* __restrict__ idx, float* __restrict__ out,
                 int* __restrict__ counts, const int num, const int num_out, const int D) {
    const int i = blockIdx.x * ROWS_PER_BLOCK + threadIdx.y;
    if (i >= num) return;  // uniform over the wavefront
    const int dst = idx[i];
    if (dst < 0 || dst >= num_out) return;  // padding / out-of-range rows contribute nothing
    const float* __restrict__ row = src + (size_t)i * D;
    float* __restrict__ out_row = out + (size_t)dst * D;
    for (int d = threadIdx.x; d < D; d += WAVE) atomicAdd(&out_row[d], row[d]);
    if (threadIdx.x == 0) atomicAdd(&counts[dst], 1);
}

extern "C" void scatter_add_rows_kernel(const float* src, const int* idx, float* out, int* counts,
                                        int num, int num_out, int D) {
    float *d_src, *d_out;
    int *d_idx, *d_counts;
    hipMalloc((void**)&d_src, (size_t)num * D * sizeof(float));
    hipMalloc((void**)&d_idx, (size_t)num * sizeof(int));
    hipMalloc((void**)&d_out, (size_t)num_out * D * sizeof(float));
    hipMalloc((void**)&d_counts, (size_t)num_out * sizeof(int));
    hipMemcpy(d_src, src, (size_t)num * D * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_idx, idx, (size_t)num * sizeof(int), hipMemcpyHostToDevice);
    hipMemcpy(d_out, out, (size_t)num_out * D * sizeof(float), hipMemcpyHostToDevice);
    hipMemset(d_counts, 0, (size_t)num_out * sizeof(int));
    dim3 block(WAVE, ROWS_PER_BLOCK);
    dim3 grid(CEIL_DIV(num, ROWS_PER_BLOCK));
    hipLaunchKernelGGL(scatter_add_rows, grid, block, 0, 0, d_src, d_idx, d_out, d_counts, num, num_out, D);
    hipMemcpy(out, d_out, (size_t)num_out * D * sizeof(float), hipMemcpyDeviceToHost);
    hipMemcpy(counts, d_counts, (size_t)num_out * sizeof(int), hipMemcpyDeviceToHost);
    hipFree(d_src);
    hipFree(d_idx);
    hipFree(d_out);
    hipFree(d_counts);
}
