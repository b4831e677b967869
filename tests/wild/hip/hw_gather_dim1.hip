#include <hip/hip_runtime.h>
#include <stdint.h>

// out[i][j] = src[i][index[i][j]]   (torch.gather along dim 1, int64 index)
__global__ void gather_dim1_kernel(const float* __restrict__ src, const int64_t* __restrict__ index,
                                   float* __restrict__ out, int rows, int src_cols, int idx_cols) {
  int j = blockIdx.x * blockDim.x + threadIdx.x;
  int i = blockIdx.y;
  if (i < rows && j < idx_cols) {
    int64_t k = index[(int64_t)i * idx_cols + j];
    out[(int64_t)i * idx_cols + j] = src[(int64_t)i * src_cols + k];
  }
}

extern "C" void gather_dim1(float* src, int64_t* index, float* out, int rows, int src_cols, int idx_cols) {
  float *d_src, *d_out;
  int64_t* d_idx;
  hipMalloc((void**)&d_src, sizeof(float) * rows * src_cols);
  hipMalloc((void**)&d_idx, sizeof(int64_t) * rows * idx_cols);
  hipMalloc((void**)&d_out, sizeof(float) * rows * idx_cols);
  hipMemcpy(d_src, src, sizeof(float) * rows * src_cols, hipMemcpyHostToDevice);
  hipMemcpy(d_idx, index, sizeof(int64_t) * rows * idx_cols, hipMemcpyHostToDevice);
  dim3 grid((idx_cols + 63) / 64, rows);
  gather_dim1_kernel<<<grid, 64>>>(d_src, d_idx, d_out, rows, src_cols, idx_cols);
  hipMemcpy(out, d_out, sizeof(float) * rows * idx_cols, hipMemcpyDeviceToHost);
  hipFree(d_src);
  hipFree(d_idx);
  hipFree(d_out);
}
