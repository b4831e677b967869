#include "hip/hip_runtime.h"

#define THREADS_PER_BLOCK 128

// torch.sign for float: -1, 0 or +1
__device__ inline float signf(float v) {
  return (float)((v > 0.0f) - (v < 0.0f));
}

__global__ void sign_kernel_impl(float* out, const float* in, int count) {
  int gid = hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x;
  if (gid < count) out[gid] = signf(in[gid]);
}

extern "C" void sign_kernel(float* input, float* output, int count) {
  float* d_in = NULL;
  float* d_out = NULL;
  hipMalloc((void**)&d_in, count * sizeof(float));
  hipMalloc((void**)&d_out, count * sizeof(float));
  hipMemcpy(d_in, input, count * sizeof(float), hipMemcpyHostToDevice);
  int grid = (count + THREADS_PER_BLOCK - 1) / THREADS_PER_BLOCK;
  sign_kernel_impl<<<grid, THREADS_PER_BLOCK>>>(d_out, d_in, count);
  hipDeviceSynchronize();
  hipMemcpy(output, d_out, count * sizeof(float), hipMemcpyDeviceToHost);
  hipFree(d_in);
  hipFree(d_out);
}
