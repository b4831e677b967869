// MaxPool2d(kernel=3, stride=2, padding=1) on NCHW, grid-stride loop.
#include <cuda_runtime.h>
#include <float.h>
#include <stdio.h>

#define CHECK_CUDA(x) do { cudaError_t st = (x); if (st != cudaSuccess) { \
  printf("CUDA %s:%d: %s\n", __FILE__, __LINE__, cudaGetErrorString(st)); } } while (0)

__global__ void maxpool2d_fwd(const float* __restrict__ in, float* __restrict__ out,
                              int nc, int h, int w, int oh, int ow) {
  int total = nc * oh * ow;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < total; i += gridDim.x * blockDim.x) {
    int x = i % ow;
    int y = (i / ow) % oh;
    int p = i / (ow * oh);
    int hs = max(y * 2 - 1, 0), he = min(y * 2 + 2, h);
    int ws = max(x * 2 - 1, 0), we = min(x * 2 + 2, w);
    const float* src = in + (size_t)p * h * w;
    float m = -FLT_MAX;
    for (int yy = hs; yy < he; ++yy)
      for (int xx = ws; xx < we; ++xx)
        m = fmaxf(m, src[yy * w + xx]);
    out[i] = m;
  }
}

extern "C" void maxpool2d(float* input, float* output, int N, int C, int H, int W) {
  int OH = (H + 2 - 3) / 2 + 1;
  int OW = (W + 2 - 3) / 2 + 1;
  size_t in_bytes = sizeof(float) * N * C * H * W;
  size_t out_bytes = sizeof(float) * N * C * OH * OW;
  float *d_in, *d_out;
  CHECK_CUDA(cudaMalloc(&d_in, in_bytes));
  CHECK_CUDA(cudaMalloc(&d_out, out_bytes));
  CHECK_CUDA(cudaMemcpy(d_in, input, in_bytes, cudaMemcpyHostToDevice));
  int threads = 128;
  int blocks = min((N * C * OH * OW + threads - 1) / threads, 32);
  maxpool2d_fwd<<<blocks, threads>>>(d_in, d_out, N * C, H, W, OH, OW);
  CHECK_CUDA(cudaGetLastError());
  CHECK_CUDA(cudaMemcpy(output, d_out, out_bytes, cudaMemcpyDeviceToHost));
  CHECK_CUDA(cudaFree(d_in));
  CHECK_CUDA(cudaFree(d_out));
}
