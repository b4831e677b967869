// Depthwise 3x3 convolution (stride 1, zero padding 1), NCHW, runtime N/C/H/W.
// Each 16x16 block loads an 18x18 input tile (halo included, zero outside the image) into
// shared memory, then every thread computes one output pixel of its (n, c) plane.
#include <cuda_runtime.h>

#define KSIZE 3
#define PAD 1
#define TILE_W 16
#define TILE_H 16
#define SMEM_W (TILE_W + KSIZE - 1)
#define SMEM_H (TILE_H + KSIZE - 1)
#define THREADS (TILE_W * TILE_H)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) depthwise_conv(const float* __restrict__ x,
                                                          const float* __restrict__ w,
                                                          const float* __restrict__ bias,
                                                          float* __restrict__ y, int C, int H,
                                                          int W) {
  __shared__ float tile[SMEM_H][SMEM_W];
  const int plane = blockIdx.z;  // n * C + c
  const int c = plane % C;
  const float* __restrict__ xp = x + (size_t)plane * H * W;
  const int oy0 = blockIdx.y * TILE_H;
  const int ox0 = blockIdx.x * TILE_W;
  const int tid = threadIdx.y * TILE_W + threadIdx.x;

  for (int i = tid; i < SMEM_H * SMEM_W; i += THREADS) {
    const int r = i / SMEM_W;
    const int s = i % SMEM_W;
    const int gy = oy0 - PAD + r;
    const int gx = ox0 - PAD + s;
    tile[r][s] = (gy >= 0 && gy < H && gx >= 0 && gx < W) ? xp[gy * W + gx] : 0.0f;
  }
  __syncthreads();

  const int oy = oy0 + threadIdx.y;
  const int ox = ox0 + threadIdx.x;
  if (oy < H && ox < W) {
    const float* __restrict__ wc = w + c * KSIZE * KSIZE;
    float acc = bias[c];
#pragma unroll
    for (int r = 0; r < KSIZE; ++r) {
#pragma unroll
      for (int s = 0; s < KSIZE; ++s) acc += tile[threadIdx.y + r][threadIdx.x + s] * wc[r * KSIZE + s];
    }
    y[(size_t)plane * H * W + oy * W + ox] = acc;
  }
}

extern "C" void depthwise_conv_kernel(const float* x, const float* w, const float* bias, float* y,
                                      int N, int C, int H, int W) {
  const size_t elems = (size_t)N * C * H * W;
  float *d_x, *d_w, *d_b, *d_y;
  cudaMalloc((void**)&d_x, elems * sizeof(float));
  cudaMalloc((void**)&d_w, (size_t)C * KSIZE * KSIZE * sizeof(float));
  cudaMalloc((void**)&d_b, (size_t)C * sizeof(float));
  cudaMalloc((void**)&d_y, elems * sizeof(float));
  cudaMemcpy(d_x, x, elems * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_w, w, (size_t)C * KSIZE * KSIZE * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, bias, (size_t)C * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(W, TILE_W), CEIL_DIV(H, TILE_H), N * C), block(TILE_W, TILE_H);
  depthwise_conv<<<grid, block>>>(d_x, d_w, d_b, d_y, C, H, W);

  cudaMemcpy(y, d_y, elems * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_w);
  cudaFree(d_b);
  cudaFree(d_y);
}
