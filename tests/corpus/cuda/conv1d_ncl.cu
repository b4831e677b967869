// 1-D convolution over NCL: y[n][co][l] = b[co] + sum_{ci,k} w[co][ci][k] * x[n][ci][l*stride + k - pad]
// (zero padding), KW = 5 taps. A block computes CO_TILE output channels for TL output positions of
// one batch item (blockIdx.z); the CO_TILE x Cin x KW weights are staged once in dynamic shared
// memory (zero rows past Cout) and every thread keeps CO_TILE accumulators for its position.
#include <cuda_runtime.h>

#define KW 5
#define CO_TILE 4
#define TL 128
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TL) conv1d_ncl(const float* __restrict__ x,
                                                 const float* __restrict__ w,
                                                 const float* __restrict__ b,
                                                 float* __restrict__ y, int Cin, int L, int Cout,
                                                 int Lout, int stride, int pad) {
  extern __shared__ float ws[];  // [CO_TILE][Cin][KW]
  const int co0 = blockIdx.y * CO_TILE;
  const int n = blockIdx.z;
  const int wcount = CO_TILE * Cin * KW;
  for (int i = threadIdx.x; i < wcount; i += TL) {
    const int co = co0 + i / (Cin * KW);
    ws[i] = (co < Cout) ? w[(size_t)co0 * Cin * KW + i] : 0.0f;
  }
  __syncthreads();

  const int l = blockIdx.x * TL + threadIdx.x;
  if (l >= Lout) return;
  float acc[CO_TILE];
#pragma unroll
  for (int j = 0; j < CO_TILE; ++j) acc[j] = (co0 + j < Cout) ? __ldg(&b[co0 + j]) : 0.0f;

  const float* __restrict__ xn = x + (size_t)n * Cin * L;
  const int l0 = l * stride - pad;
  for (int ci = 0; ci < Cin; ++ci) {
#pragma unroll
    for (int k = 0; k < KW; ++k) {
      const int li = l0 + k;
      const float xv = (li >= 0 && li < L) ? xn[(size_t)ci * L + li] : 0.0f;
#pragma unroll
      for (int j = 0; j < CO_TILE; ++j) acc[j] += ws[(j * Cin + ci) * KW + k] * xv;
    }
  }
#pragma unroll
  for (int j = 0; j < CO_TILE; ++j)
    if (co0 + j < Cout) y[((size_t)n * Cout + co0 + j) * Lout + l] = acc[j];
}

extern "C" void conv1d_ncl_kernel(const float* x, const float* w, const float* b, float* y, int N,
                                  int Cin, int L, int Cout, int stride, int pad) {
  const int Lout = (L + 2 * pad - KW) / stride + 1;
  const size_t x_bytes = (size_t)N * Cin * L * sizeof(float);
  const size_t w_bytes = (size_t)Cout * Cin * KW * sizeof(float);
  const size_t y_bytes = (size_t)N * Cout * Lout * sizeof(float);
  float *d_x, *d_w, *d_b, *d_y;
  cudaMalloc((void**)&d_x, x_bytes);
  cudaMalloc((void**)&d_w, w_bytes);
  cudaMalloc((void**)&d_b, (size_t)Cout * sizeof(float));
  cudaMalloc((void**)&d_y, y_bytes);
  cudaMemcpy(d_x, x, x_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_w, w, w_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, b, (size_t)Cout * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(Lout, TL), CEIL_DIV(Cout, CO_TILE), N), block(TL);
  const size_t shmem = (size_t)CO_TILE * Cin * KW * sizeof(float);
  conv1d_ncl<<<grid, block, shmem>>>(d_x, d_w, d_b, d_y, Cin, L, Cout, Lout, stride, pad);

  cudaMemcpy(y, d_y, y_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_w);
  cudaFree(d_b);
  cudaFree(d_y);
}
