// GELU (tanh approximation) on __half data, computed in fp32, grid-stride loop.
#include <cuda_runtime.h>
#include <cuda_fp16.h>

#define THREADS 128
#define MAX_BLOCKS 16
#define GELU_SQRT_2_OVER_PI 0.7978845608028654f
#define GELU_COEF 0.044715f
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float gelu_tanh(float x) {
  const float inner = GELU_SQRT_2_OVER_PI * (x + GELU_COEF * x * x * x);
  return 0.5f * x * (1.0f + tanhf(inner));
}

__global__ void __launch_bounds__(THREADS) gelu_f16(const __half* __restrict__ x,
                                                    __half* __restrict__ y, int n) {
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    const float v = __half2float(x[i]);
    y[i] = __float2half(gelu_tanh(v));
  }
}

extern "C" void gelu_f16_kernel(const __half* x, __half* y, int n) {
  __half *d_x, *d_y;
  const size_t bytes = (size_t)n * sizeof(__half);
  cudaMalloc((void**)&d_x, bytes);
  cudaMalloc((void**)&d_y, bytes);
  cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice);

  int blocks = CEIL_DIV(n, THREADS);
  if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
  dim3 grid(blocks), block(THREADS);
  gelu_f16<<<grid, block>>>(d_x, d_y, n);

  cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_y);
}
