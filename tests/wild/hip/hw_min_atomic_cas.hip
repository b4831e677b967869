#include <hip/hip_runtime.h>
#include <cfloat>
#include <cstdio>

#define HIP_CHECK(x) do { hipError_t e_ = (x); if (e_ != hipSuccess) \
    printf("HIP error %s (%s:%d)\n", hipGetErrorString(e_), __FILE__, __LINE__); } while (0)

// float atomic min written with a CAS loop (works for any sign)
__device__ float atomicMinFloat(float* addr, float value) {
  int* iaddr = (int*)addr;
  int old = *iaddr, assumed;
  do {
    assumed = old;
    if (__int_as_float(assumed) <= value) break;
    old = atomicCAS(iaddr, assumed, __float_as_int(value));
  } while (assumed != old);
  return __int_as_float(old);
}

__global__ void init_min(float* result) { *result = FLT_MAX; }

__global__ void reduce_min(const float* data, float* result, int n) {
  __shared__ float smin[256];
  unsigned tid = threadIdx.x;
  float m = FLT_MAX;
  for (int i = blockIdx.x * blockDim.x + tid; i < n; i += blockDim.x * gridDim.x)
    m = fminf(m, data[i]);
  smin[tid] = m;
  __syncthreads();
  for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
    if (tid < s) smin[tid] = fminf(smin[tid], smin[tid + s]);
    __syncthreads();
  }
  if (tid == 0) atomicMinFloat(result, smin[0]);
}

extern "C" void global_min(float* data, float* result, int n) {
  float *d_data, *d_result;
  HIP_CHECK(hipMalloc(&d_data, n * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_result, sizeof(float)));
  HIP_CHECK(hipMemcpy(d_data, data, n * sizeof(float), hipMemcpyHostToDevice));
  hipLaunchKernelGGL(init_min, dim3(1), dim3(1), 0, 0, d_result);
  hipLaunchKernelGGL(reduce_min, dim3(40), dim3(256), 0, 0, d_data, d_result, n);
  HIP_CHECK(hipMemcpy(result, d_result, sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_data));
  HIP_CHECK(hipFree(d_result));
}
