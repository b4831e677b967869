// 3x3 / stride 2 pooling over NCHW planes, max (MODE 0) or average (MODE 1, padding excluded
// from the count). One thread per output pixel; blockIdx.z walks the N*C planes.
#include <cuda_runtime.h>
#include <cfloat>

#define POOL_K 3
#define POOL_S 2
#define POOL_MAX 0
#define POOL_AVG 1
#define BLOCK_X 32
#define BLOCK_Y 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

template <int MODE>
__global__ void __launch_bounds__(BLOCK_X * BLOCK_Y) pool2d(const float* __restrict__ x,
                                                            float* __restrict__ y, int H, int W,
                                                            int P, int Q, int pad) {
  const int q = blockIdx.x * BLOCK_X + threadIdx.x;
  const int p = blockIdx.y * BLOCK_Y + threadIdx.y;
  if (p >= P || q >= Q) return;
  const float* __restrict__ xp = x + (size_t)blockIdx.z * H * W;

  const int h0 = p * POOL_S - pad;
  const int w0 = q * POOL_S - pad;
  float acc = (MODE == POOL_MAX) ? -FLT_MAX : 0.0f;
  int count = 0;
#pragma unroll
  for (int r = 0; r < POOL_K; ++r) {
    const int ih = h0 + r;
    if (ih < 0 || ih >= H) continue;
#pragma unroll
    for (int s = 0; s < POOL_K; ++s) {
      const int iw = w0 + s;
      if (iw < 0 || iw >= W) continue;
      const float v = xp[ih * W + iw];
      if (MODE == POOL_MAX) {
        acc = fmaxf(acc, v);
      } else {
        acc += v;
      }
      ++count;
    }
  }
  if (MODE == POOL_AVG) acc = acc / (float)count;
  y[((size_t)blockIdx.z * P + p) * Q + q] = acc;
}

extern "C" void pool2d_kernel(const float* x, float* y, int N, int C, int H, int W, int pad,
                              int mode) {
  const int P = (H + 2 * pad - POOL_K) / POOL_S + 1;
  const int Q = (W + 2 * pad - POOL_K) / POOL_S + 1;
  const size_t x_bytes = (size_t)N * C * H * W * sizeof(float);
  const size_t y_bytes = (size_t)N * C * P * Q * sizeof(float);
  float *d_x, *d_y;
  cudaMalloc((void**)&d_x, x_bytes);
  cudaMalloc((void**)&d_y, y_bytes);
  cudaMemcpy(d_x, x, x_bytes, cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(Q, BLOCK_X), CEIL_DIV(P, BLOCK_Y), N * C), block(BLOCK_X, BLOCK_Y);
  if (mode == POOL_MAX) {
    pool2d<POOL_MAX><<<grid, block>>>(d_x, d_y, H, W, P, Q, pad);
  } else {
    pool2d<POOL_AVG><<<grid, block>>>(d_x, d_y, H, W, P, Q, pad);
  }

  cudaMemcpy(y, d_y, y_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_y);
}
