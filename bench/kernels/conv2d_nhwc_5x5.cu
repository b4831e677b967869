// Direct conv2d, NHWC activations, KRSC weights, 5x5 window, stride 1, "same" padding:
// one thread per output element (n, p, q, k); the benchmark workload of bench/interp.py.
#include <cuda_runtime.h>

#define R 5
#define S 5
#define PAD 2
#define THREADS 256

__global__ void __launch_bounds__(THREADS) conv5x5_nhwc(const float* __restrict__ x,
                                                        const float* __restrict__ w,
                                                        float* __restrict__ y,
                                                        int N, int H, int W, int C, int K) {
  const long long idx = (long long)blockIdx.x * THREADS + threadIdx.x;
  const long long total = (long long)N * H * W * K;
  if (idx >= total) return;
  const int k = idx % K;
  const int q = (idx / K) % W;
  const int p = (idx / ((long long)K * W)) % H;
  const int n = idx / ((long long)K * W * H);
  float acc = 0.0f;
  for (int r = 0; r < R; ++r) {
    const int h = p + r - PAD;
    if (h < 0 || h >= H) continue;
    for (int s = 0; s < S; ++s) {
      const int v = q + s - PAD;
      if (v < 0 || v >= W) continue;
      const float* xp = x + (((long long)n * H + h) * W + v) * C;
      const float* wp = w + (((long long)k * R + r) * S + s) * C;
      for (int c = 0; c < C; ++c) acc += xp[c] * wp[c];
    }
  }
  y[idx] = acc;
}

extern "C" void conv5x5_nhwc_kernel(const float* x, const float* w, float* y, int N, int H, int W, int C, int K) {
  float *dx, *dw, *dy;
  const size_t xb = (size_t)N * H * W * C * sizeof(float), wb = (size_t)K * R * S * C * sizeof(float);
  const size_t yb = (size_t)N * H * W * K * sizeof(float);
  cudaMalloc((void**)&dx, xb);
  cudaMalloc((void**)&dw, wb);
  cudaMalloc((void**)&dy, yb);
  cudaMemcpy(dx, x, xb, cudaMemcpyHostToDevice);
  cudaMemcpy(dw, w, wb, cudaMemcpyHostToDevice);
  const long long total = (long long)N * H * W * K;
  conv5x5_nhwc<<<(int)((total + THREADS - 1) / THREADS), THREADS>>>(dx, dw, dy, N, H, W, C, K);
  cudaMemcpy(y, dy, yb, cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dw); cudaFree(dy);
}
