#include <hip/hip_runtime.h>
#include <cstdio>
#include <cstdlib>

#define HIP_CHECK(cmd)                                                          \
  do {                                                                          \
    hipError_t error = (cmd);                                                   \
    if (error != hipSuccess) {                                                  \
      fprintf(stderr, "error: '%s'(%d) at %s:%d\n", hipGetErrorString(error),   \
              error, __FILE__, __LINE__);                                       \
      exit(EXIT_FAILURE);                                                       \
    }                                                                           \
  } while (0)

enum { BLOCK = 256, MAX_BLOCKS = 12 };

// c = a - b
__global__ void vector_sub(const float* __restrict__ a, const float* __restrict__ b,
                           float* __restrict__ c, size_t n) {
  size_t offset = blockIdx.x * blockDim.x + threadIdx.x;
  size_t stride = blockDim.x * gridDim.x;
  for (size_t i = offset; i < n; i += stride) c[i] = a[i] - b[i];
}

extern "C" void sub_kernel(float* a, float* b, float* c, int n) {
  float *d_a, *d_b, *d_c;
  size_t bytes = n * sizeof(float);
  HIP_CHECK(hipMalloc(&d_a, bytes));
  HIP_CHECK(hipMalloc(&d_b, bytes));
  HIP_CHECK(hipMalloc(&d_c, bytes));
  HIP_CHECK(hipMemcpy(d_a, a, bytes, hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_b, b, bytes, hipMemcpyHostToDevice));

  unsigned blocks = (n + BLOCK - 1) / BLOCK;
  if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
  hipLaunchKernelGGL(vector_sub, dim3(blocks), dim3(BLOCK), 0, 0, d_a, d_b, d_c, (size_t)n);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipDeviceSynchronize());

  HIP_CHECK(hipMemcpy(c, d_c, bytes, hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_a));
  HIP_CHECK(hipFree(d_b));
  HIP_CHECK(hipFree(d_c));
}
