// Sigmoid over a fixed 1023-element activation buffer.
// Size is compiled in; `bytes` is only used for the copies.
#include <cuda_runtime.h>

#define N_ELEMS 1023
#define THREADS 256

__global__ void __launch_bounds__(THREADS) sigmoid_fixed(const float* x, float* y) {
  int i = blockIdx.x * THREADS + threadIdx.x;
  if (i < N_ELEMS) {
    float v = x[i];
    y[i] = 1.0f / (1.0f + __expf(-v));
  }
}

extern "C" void sigmoid_kernel(float* x, float* y, int bytes) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, bytes);
  cudaMalloc((void**)&dy, bytes);
  cudaMemcpy(dx, x, bytes, cudaMemcpyHostToDevice);
  sigmoid_fixed<<<(N_ELEMS + THREADS - 1) / THREADS, THREADS>>>(dx, dy);
  cudaDeviceSynchronize();
  cudaMemcpy(y, dy, bytes, cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dy);
}
