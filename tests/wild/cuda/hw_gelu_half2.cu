#include <cuda_fp16.h>

// GELU (tanh approximation) on fp16 activations.
// Two halves per thread via half2, math in fp32, odd last element done separately.

#define GELU_K0 0.7978845608028654f   // sqrt(2/pi)
#define GELU_K1 0.044715f

__device__ __forceinline__ float gelu_tanh(float x) {
  float inner = GELU_K0 * (x + GELU_K1 * x * x * x);
  return 0.5f * x * (1.0f + tanhf(inner));
}

extern "C" __global__ void gelu_fwd_half2(const half* __restrict__ in, half* __restrict__ out, int n) {
  const half2* in2 = reinterpret_cast<const half2*>(in);
  half2* out2 = reinterpret_cast<half2*>(out);
  int npairs = n >> 1;
  int stride = blockDim.x * gridDim.x;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < npairs; i += stride) {
    float2 v = __half22float2(in2[i]);
    v.x = gelu_tanh(v.x);
    v.y = gelu_tanh(v.y);
    out2[i] = __float22half2_rn(v);
  }
  if ((n & 1) && blockIdx.x == 0 && threadIdx.x == 0) {
    out[n - 1] = __float2half(gelu_tanh(__half2float(in[n - 1])));
  }
}
