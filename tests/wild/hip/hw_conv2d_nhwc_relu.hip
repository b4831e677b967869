#include <hip/hip_runtime.h>
#include <cstdio>

#define HIP_CHECK(call) do { hipError_t err = call; if (err != hipSuccess) { \
    printf("HIP error: %s at %s:%d\n", hipGetErrorString(err), __FILE__, __LINE__); } } while (0)

// 3x3 same-padding conv + bias + ReLU, NHWC activations, HWIO filter, 32 output channels.
// Block (32, 8): threadIdx.x = output channel, threadIdx.y = one of 8 output pixels.
// The whole filter is copied into dynamic LDS once per block.
#define KOUT 32
#define PIX_PER_BLOCK 8

__global__ void conv3x3_nhwc_bias_relu(const float* __restrict__ in, const float* __restrict__ filt,
                                       const float* __restrict__ bias, float* __restrict__ out,
                                       int N, int H, int W, int C) {
  extern __shared__ float fs[];    // [3][3][C][KOUT]
  const int tid = threadIdx.y * KOUT + threadIdx.x;
  for (int i = tid; i < 9 * C * KOUT; i += KOUT * PIX_PER_BLOCK) fs[i] = filt[i];
  __syncthreads();

  const int p = blockIdx.x * PIX_PER_BLOCK + threadIdx.y;
  if (p >= N * H * W) return;
  const int k = threadIdx.x;
  const int w = p % W, h = (p / W) % H, n = p / (W * H);

  float acc = bias[k];
  for (int r = 0; r < 3; ++r) {
    const int ih = h + r - 1;
    if (ih < 0 || ih >= H) continue;
    for (int s = 0; s < 3; ++s) {
      const int iw = w + s - 1;
      if (iw < 0 || iw >= W) continue;
      const float* px = in + ((n * H + ih) * W + iw) * C;
      const float* fk = fs + (r * 3 + s) * C * KOUT + k;
      for (int c = 0; c < C; ++c) acc += px[c] * fk[c * KOUT];
    }
  }
  out[p * KOUT + k] = fmaxf(acc, 0.0f);
}

extern "C" void conv2d_nhwc_relu(float* input, float* filter, float* bias, float* output,
                                 int N, int H, int W, int C) {
  float *d_in, *d_f, *d_b, *d_out;
  const size_t in_n = (size_t)N * H * W * C, f_n = 9 * C * KOUT, out_n = (size_t)N * H * W * KOUT;
  HIP_CHECK(hipMalloc(&d_in, in_n * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_f, f_n * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_b, KOUT * sizeof(float)));
  HIP_CHECK(hipMalloc(&d_out, out_n * sizeof(float)));
  HIP_CHECK(hipMemcpy(d_in, input, in_n * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_f, filter, f_n * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(d_b, bias, KOUT * sizeof(float), hipMemcpyHostToDevice));

  const int pixels = N * H * W;
  dim3 grid((pixels + PIX_PER_BLOCK - 1) / PIX_PER_BLOCK);
  dim3 block(KOUT, PIX_PER_BLOCK);
  hipLaunchKernelGGL(conv3x3_nhwc_bias_relu, grid, block, f_n * sizeof(float), 0,
                     d_in, d_f, d_b, d_out, N, H, W, C);
  HIP_CHECK(hipGetLastError());
  HIP_CHECK(hipMemcpy(output, d_out, out_n * sizeof(float), hipMemcpyDeviceToHost));
  HIP_CHECK(hipFree(d_in)); HIP_CHECK(hipFree(d_f)); HIP_CHECK(hipFree(d_b)); HIP_CHECK(hipFree(d_out));
}
