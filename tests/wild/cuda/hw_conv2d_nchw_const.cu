// Direct 3x3 convolution, NCHW, stride 1, pad 1, fixed layer shape.
// Filter and bias live in constant memory (uploaded with cudaMemcpyToSymbol).
#include <cuda_runtime.h>

#define BATCH 2
#define C_IN 3
#define H_IN 17
#define W_IN 17
#define C_OUT 8
#define KSIZE 3
#define PAD 1
#define H_OUT (H_IN + 2 * PAD - KSIZE + 1)
#define W_OUT (W_IN + 2 * PAD - KSIZE + 1)
#define TOTAL (BATCH * C_OUT * H_OUT * W_OUT)

__constant__ float c_filter[C_OUT * C_IN * KSIZE * KSIZE];
__constant__ float c_bias[C_OUT];

__global__ void __launch_bounds__(128) conv3x3_nchw(const float* __restrict__ in, float* __restrict__ out) {
  int idx = blockIdx.x * 128 + threadIdx.x;
  if (idx >= TOTAL) return;
  int ow = idx % W_OUT;
  int oh = (idx / W_OUT) % H_OUT;
  int oc = (idx / (W_OUT * H_OUT)) % C_OUT;
  int n = idx / (W_OUT * H_OUT * C_OUT);

  float sum = c_bias[oc];
  for (int ic = 0; ic < C_IN; ++ic) {
#pragma unroll
    for (int kh = 0; kh < KSIZE; ++kh) {
      int ih = oh - PAD + kh;
      if (ih < 0 || ih >= H_IN) continue;
#pragma unroll
      for (int kw = 0; kw < KSIZE; ++kw) {
        int iw = ow - PAD + kw;
        if (iw < 0 || iw >= W_IN) continue;
        sum += in[((n * C_IN + ic) * H_IN + ih) * W_IN + iw] *
               c_filter[((oc * C_IN + ic) * KSIZE + kh) * KSIZE + kw];
      }
    }
  }
  out[idx] = sum;
}

extern "C" void conv2d_forward(float* input, float* weight, float* bias, float* output) {
  float *d_in, *d_out;
  cudaMalloc(&d_in, sizeof(float) * BATCH * C_IN * H_IN * W_IN);
  cudaMalloc(&d_out, sizeof(float) * TOTAL);
  cudaMemcpy(d_in, input, sizeof(float) * BATCH * C_IN * H_IN * W_IN, cudaMemcpyHostToDevice);
  cudaMemcpyToSymbol(c_filter, weight, sizeof(float) * C_OUT * C_IN * KSIZE * KSIZE);
  cudaMemcpyToSymbol(c_bias, bias, sizeof(float) * C_OUT);
  conv3x3_nchw<<<(TOTAL + 127) / 128, 128>>>(d_in, d_out);
  cudaMemcpy(output, d_out, sizeof(float) * TOTAL, cudaMemcpyDeviceToHost);
  cudaFree(d_in);
  cudaFree(d_out);
}
