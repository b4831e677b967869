#include <hip/hip_runtime.h>
#include <hip/hip_fp16.h>

// y = sin(x) for fp16 tensors, computed in fp32.
// (half2 typedef kept from the CUDA version of this file)
typedef __half2 half2;

extern "C" __global__ void sin_fp16(const __half* x, __half* y, int n) {
  int i = 2 * (blockIdx.x * blockDim.x + threadIdx.x);
  if (i + 1 < n) {
    half2 v = *reinterpret_cast<const half2*>(x + i);
    float a = __low2float(v);
    float b = __high2float(v);
    *reinterpret_cast<half2*>(y + i) = __floats2half2_rn(sinf(a), sinf(b));
  } else if (i < n) {
    y[i] = __float2half(sinf(__half2float(x[i])));
  }
}
