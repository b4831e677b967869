// Three elementwise ops behind one host entry: d = a - b (float4 grid-stride loop + scalar tail),
// s = sign(a) (copysignf on non-zero values, 0 for +-0), t = sinf(a). Three small kernels on
// the default stream; each output is written by exactly one of them.
#include <cuda_runtime.h>

#define THREADS 256
#define MAX_BLOCKS 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) sub_f4(const float* __restrict__ a,
                                                  const float* __restrict__ b,
                                                  float* __restrict__ d, int n) {
  const int n4 = n >> 2;
  const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
  const float4* __restrict__ b4 = reinterpret_cast<const float4*>(b);
  float4* __restrict__ d4 = reinterpret_cast<float4*>(d);
  const int gid = blockIdx.x * blockDim.x + threadIdx.x;
  for (int i = gid; i < n4; i += gridDim.x * blockDim.x) {
    const float4 va = a4[i];
    const float4 vb = b4[i];
    d4[i] = make_float4(va.x - vb.x, va.y - vb.y, va.z - vb.z, va.w - vb.w);
  }
  const int t = (n4 << 2) + gid;  // tail: the last n % 4 elements
  if (t < n) d[t] = a[t] - b[t];
}

__global__ void __launch_bounds__(THREADS) sign_f32(const float* __restrict__ a,
                                                    float* __restrict__ s, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    const float v = a[i];
    s[i] = (v != 0.0f) ? copysignf(1.0f, v) : 0.0f;
  }
}

__global__ void __launch_bounds__(THREADS) sin_f32(const float* __restrict__ a,
                                                   float* __restrict__ t, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) t[i] = sinf(a[i]);
}

extern "C" void sub_sign_sin_kernel(const float* a, const float* b, float* d, float* s, float* t,
                                    int n) {
  const size_t bytes = (size_t)n * sizeof(float);
  float *d_a, *d_b, *d_d, *d_s, *d_t;
  cudaMalloc((void**)&d_a, bytes);
  cudaMalloc((void**)&d_b, bytes);
  cudaMalloc((void**)&d_d, bytes);
  cudaMalloc((void**)&d_s, bytes);
  cudaMalloc((void**)&d_t, bytes);
  cudaMemcpy(d_a, a, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, b, bytes, cudaMemcpyHostToDevice);

  int blocks4 = CEIL_DIV(n >> 2, THREADS);
  if (blocks4 > MAX_BLOCKS) blocks4 = MAX_BLOCKS;
  if (blocks4 < 1) blocks4 = 1;
  int blocks = CEIL_DIV(n, THREADS);
  sub_f4<<<blocks4, THREADS>>>(d_a, d_b, d_d, n);
  sign_f32<<<blocks > MAX_BLOCKS ? MAX_BLOCKS : blocks, THREADS>>>(d_a, d_s, n);
  sin_f32<<<blocks, THREADS>>>(d_a, d_t, n);

  cudaMemcpy(d, d_d, bytes, cudaMemcpyDeviceToHost);
  cudaMemcpy(s, d_s, bytes, cudaMemcpyDeviceToHost);
  cudaMemcpy(t, d_t, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_a);
  cudaFree(d_b);
  cudaFree(d_d);
  cudaFree(d_s);
  cudaFree(d_t);
}
