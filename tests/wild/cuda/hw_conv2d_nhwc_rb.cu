// conv2d, NHWC input, KRSC filter (out channel, kh, kw, in channel), NHWK output.
// 16x16 threads over the output plane; each thread produces 4 consecutive output channels.
#include <cuda_runtime.h>

#define OC_PER_THREAD 4

__global__ void conv2d_nhwc_kernel(const float* __restrict__ x, const float* __restrict__ w,
                                   float* __restrict__ y,
                                   int N, int H, int W, int C, int K, int R, int S,
                                   int stride, int pad, int OH, int OW) {
  int ow = blockIdx.x * blockDim.x + threadIdx.x;
  int oh = blockIdx.y * blockDim.y + threadIdx.y;
  int kgroups = (K + OC_PER_THREAD - 1) / OC_PER_THREAD;
  int n = blockIdx.z / kgroups;
  int k0 = (blockIdx.z % kgroups) * OC_PER_THREAD;
  if (ow >= OW || oh >= OH) return;

  float acc[OC_PER_THREAD];
#pragma unroll
  for (int j = 0; j < OC_PER_THREAD; ++j) acc[j] = 0.f;

  for (int r = 0; r < R; ++r) {
    int ih = oh * stride - pad + r;
    if (ih < 0 || ih >= H) continue;
    for (int s = 0; s < S; ++s) {
      int iw = ow * stride - pad + s;
      if (iw < 0 || iw >= W) continue;
      const float* xp = x + ((size_t)(n * H + ih) * W + iw) * C;
      for (int c = 0; c < C; ++c) {
        float xv = xp[c];
#pragma unroll
        for (int j = 0; j < OC_PER_THREAD; ++j) {
          int k = min(k0 + j, K - 1);   // clamp: extra lanes compute a duplicate, never stored
          acc[j] += xv * w[((size_t)(k * R + r) * S + s) * C + c];
        }
      }
    }
  }
  float* yp = y + ((size_t)(n * OH + oh) * OW + ow) * K;
#pragma unroll
  for (int j = 0; j < OC_PER_THREAD; ++j)
    if (k0 + j < K) yp[k0 + j] = acc[j];
}

extern "C" void conv2d_nhwc(float* x, float* w, float* y, int N, int H, int W, int C,
                            int K, int R, int S, int stride, int pad) {
  int OH = (H + 2 * pad - R) / stride + 1;
  int OW = (W + 2 * pad - S) / stride + 1;
  size_t xs = (size_t)N * H * W * C, ws = (size_t)K * R * S * C, ys = (size_t)N * OH * OW * K;
  float *dx, *dw, *dy;
  cudaMalloc(&dx, xs * sizeof(float));
  cudaMalloc(&dw, ws * sizeof(float));
  cudaMalloc(&dy, ys * sizeof(float));
  cudaMemcpy(dx, x, xs * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dw, w, ws * sizeof(float), cudaMemcpyHostToDevice);

  dim3 block(16, 16);
  dim3 grid((OW + 15) / 16, (OH + 15) / 16, N * ((K + OC_PER_THREAD - 1) / OC_PER_THREAD));
  conv2d_nhwc_kernel<<<grid, block>>>(dx, dw, dy, N, H, W, C, K, R, S, stride, pad, OH, OW);
  cudaDeviceSynchronize();

  cudaMemcpy(y, dy, ys * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dw); cudaFree(dy);
}
