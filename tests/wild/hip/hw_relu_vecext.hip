#include <hip/hip_runtime.h>

// ReLU in place-or-out, 4 floats per thread with a GCC vector type, scalar tail.
typedef float float4_t __attribute__((__vector_size__(4 * sizeof(float))));

extern "C" __global__ void __launch_bounds__(256)
relu_forward(const float* __restrict__ x, float* __restrict__ y, int n) {
  const int nvec = n / 4;
  const float4_t* xv = reinterpret_cast<const float4_t*>(x);
  float4_t* yv = reinterpret_cast<float4_t*>(y);
  const float4_t zero = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int i = blockIdx.x * 256 + threadIdx.x; i < nvec; i += 256 * gridDim.x) {
    float4_t v = xv[i];
    float4_t r;
#pragma unroll
    for (int k = 0; k < 4; ++k) r[k] = v[k] > zero[k] ? v[k] : zero[k];
    yv[i] = r;
  }
  const int t = nvec * 4 + blockIdx.x * 256 + threadIdx.x;
  if (t < n) y[t] = fmaxf(x[t], 0.0f);
}
