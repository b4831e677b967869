// Direct 2D convolution, NCHW input, KCRS weights, fixed shapes, stride 2, zero padding 1.
// One thread per output pixel of one (n, k) plane; the k-th filter is staged in shared memory.
#include <cuda_runtime.h>

#define BATCH 2
#define IN_C 4
#define IN_H 19
#define IN_W 23
#define OUT_C 6
#define KH 3
#define KW 3
#define STRIDE 2
#define PAD 1
#define OUT_H ((IN_H + 2 * PAD - KH) / STRIDE + 1)
#define OUT_W ((IN_W + 2 * PAD - KW) / STRIDE + 1)
#define TILE_W 16
#define TILE_H 8
#define THREADS (TILE_W * TILE_H)
#define FILTER_SIZE (IN_C * KH * KW)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) conv2d_nchw(const float* __restrict__ x,
                                                       const float* __restrict__ w,
                                                       const float* __restrict__ bias,
                                                       float* __restrict__ y) {
  __shared__ float ws[FILTER_SIZE];
  const int n = blockIdx.z / OUT_C;
  const int k = blockIdx.z % OUT_C;
  const int tid = threadIdx.y * TILE_W + threadIdx.x;
  for (int i = tid; i < FILTER_SIZE; i += THREADS) ws[i] = w[k * FILTER_SIZE + i];
  __syncthreads();

  const int q = blockIdx.x * TILE_W + threadIdx.x;
  const int p = blockIdx.y * TILE_H + threadIdx.y;
  if (p >= OUT_H || q >= OUT_W) return;

  float acc = bias[k];
  for (int c = 0; c < IN_C; ++c) {
    const float* __restrict__ xc = x + (size_t)(n * IN_C + c) * IN_H * IN_W;
#pragma unroll
    for (int r = 0; r < KH; ++r) {
      const int ih = p * STRIDE - PAD + r;
      if (ih < 0 || ih >= IN_H) continue;
#pragma unroll
      for (int s = 0; s < KW; ++s) {
        const int iw = q * STRIDE - PAD + s;
        if (iw < 0 || iw >= IN_W) continue;
        acc += xc[ih * IN_W + iw] * ws[(c * KH + r) * KW + s];
      }
    }
  }
  y[((size_t)(n * OUT_C + k) * OUT_H + p) * OUT_W + q] = acc;
}

extern "C" void conv2d_nchw_kernel(const float* x, const float* w, const float* bias, float* y) {
  const size_t x_bytes = (size_t)BATCH * IN_C * IN_H * IN_W * sizeof(float);
  const size_t w_bytes = (size_t)OUT_C * FILTER_SIZE * sizeof(float);
  const size_t y_bytes = (size_t)BATCH * OUT_C * OUT_H * OUT_W * sizeof(float);
  float *d_x, *d_w, *d_b, *d_y;
  cudaMalloc((void**)&d_x, x_bytes);
  cudaMalloc((void**)&d_w, w_bytes);
  cudaMalloc((void**)&d_b, OUT_C * sizeof(float));
  cudaMalloc((void**)&d_y, y_bytes);
  cudaMemcpy(d_x, x, x_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_w, w, w_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, bias, OUT_C * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(OUT_W, TILE_W), CEIL_DIV(OUT_H, TILE_H), BATCH * OUT_C), block(TILE_W, TILE_H);
  conv2d_nchw<<<grid, block>>>(d_x, d_w, d_b, d_y);

  cudaMemcpy(y, d_y, y_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_w);
  cudaFree(d_b);
  cudaFree(d_y);
}
