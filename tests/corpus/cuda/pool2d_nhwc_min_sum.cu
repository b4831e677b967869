// Min and sum pooling over NHWC with a runtime K x K window, stride S and no padding (floor
// output size): both results from one pass over each window. One thread per output element
// (n, p, q, c) with c fastest, so a warp reads consecutive channels of one pixel (coalesced);
// grid-stride loop over all N*P*Q*C outputs.
#include <cuda_runtime.h>
#include <cfloat>

#define THREADS 256
#define MAX_BLOCKS 64
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) pool2d_nhwc_min_sum(const float* __restrict__ x,
                                                               float* __restrict__ ymin,
                                                               float* __restrict__ ysum, int N,
                                                               int H, int W, int C, int P, int Q,
                                                               int K, int S) {
  const int total = N * P * Q * C;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    const int c = i % C;
    const int q = (i / C) % Q;
    const int p = (i / (C * Q)) % P;
    const int n = i / (C * Q * P);
    const float* __restrict__ xn = x + (size_t)n * H * W * C + c;
    float mn = FLT_MAX, sm = 0.0f;
    for (int r = 0; r < K; ++r) {
      const float* __restrict__ row = xn + (size_t)(p * S + r) * W * C;
      for (int s = 0; s < K; ++s) {
        const float v = __ldg(&row[(q * S + s) * C]);
        mn = fminf(mn, v);
        sm += v;
      }
    }
    ymin[i] = mn;
    ysum[i] = sm;
  }
}

extern "C" void pool2d_nhwc_min_sum_kernel(const float* x, float* ymin, float* ysum, int N, int H,
                                           int W, int C, int K, int S) {
  const int P = (H - K) / S + 1;
  const int Q = (W - K) / S + 1;
  const size_t x_bytes = (size_t)N * H * W * C * sizeof(float);
  const size_t y_bytes = (size_t)N * P * Q * C * sizeof(float);
  float *d_x, *d_min, *d_sum;
  cudaMalloc((void**)&d_x, x_bytes);
  cudaMalloc((void**)&d_min, y_bytes);
  cudaMalloc((void**)&d_sum, y_bytes);
  cudaMemcpy(d_x, x, x_bytes, cudaMemcpyHostToDevice);

  int blocks = CEIL_DIV(N * P * Q * C, THREADS);
  if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
  pool2d_nhwc_min_sum<<<blocks, THREADS>>>(d_x, d_min, d_sum, N, H, W, C, P, Q, K, S);

  cudaMemcpy(ymin, d_min, y_bytes, cudaMemcpyDeviceToHost);
  cudaMemcpy(ysum, d_sum, y_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_min);
  cudaFree(d_sum);
}
