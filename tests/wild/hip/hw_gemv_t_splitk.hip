#include <hip/hip_runtime.h>
#include <cstdio>

#define HIP_CHECK(cmd) { hipError_t e = (cmd); if (e != hipSuccess) fprintf(stderr, "%s failed: %s\n", #cmd, hipGetErrorString(e)); }

#define SPLITS 8
#define COLS_PER_BLOCK 64

// y = A^T x  with A [M x N] row-major: each thread owns a column, the rows are split
// over blockIdx.y and the partial dot products are combined with atomicAdd.
__global__ void gemv_t_splitk(const float* __restrict__ A, const float* __restrict__ x,
                              float* __restrict__ y, int M, int N) {
  const int col = blockIdx.x * COLS_PER_BLOCK + threadIdx.x;
  if (col >= N) return;
  const int chunk = (M + SPLITS - 1) / SPLITS;
  const int r0 = blockIdx.y * chunk;
  const int r1 = min(r0 + chunk, M);
  float acc = 0.0f;
  for (int r = r0; r < r1; ++r) acc += A[(size_t)r * N + col] * x[r];
  atomicAdd(y + col, acc);
}

extern "C" void gemv_transposed(float* A, float* x, float* y, int M, int N) {
  float *dA, *dx, *dy;
  HIP_CHECK(hipMalloc(&dA, sizeof(float) * M * N));
  HIP_CHECK(hipMalloc(&dx, sizeof(float) * M));
  HIP_CHECK(hipMalloc(&dy, sizeof(float) * N));
  HIP_CHECK(hipMemcpy(dA, A, sizeof(float) * M * N, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dx, x, sizeof(float) * M, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemset(dy, 0, sizeof(float) * N));
  dim3 grid((N + COLS_PER_BLOCK - 1) / COLS_PER_BLOCK, SPLITS);
  hipLaunchKernelGGL(gemv_t_splitk, grid, dim3(COLS_PER_BLOCK), 0, 0, dA, dx, dy, M, N);
  HIP_CHECK(hipDeviceSynchronize());
  HIP_CHECK(hipMemcpy(y, dy, sizeof(float) * N, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(dA));
  HIP_CHECK(hipFree(dx));
  HIP_CHECK(hipFree(dy));
}
