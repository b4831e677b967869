// BatchNorm2d forward, training mode (batch statistics), NCHW, fixed shape.
// Kernel 1 computes per-channel mean / biased variance, kernel 2 normalizes.
#include <cuda_runtime.h>

#define N 4
#define C 16
#define H 14
#define W 13
#define HW (H * W)
#define TOTAL (N * C * H * W)
#define BN_EPS 1e-5f

#define STAT_THREADS 256

__global__ void bn_stats(const float* __restrict__ x, float* __restrict__ mean, float* __restrict__ var) {
  __shared__ float s_sum[STAT_THREADS];
  __shared__ float s_sq[STAT_THREADS];
  int c = blockIdx.x;
  float sum = 0.f, sq = 0.f;
  for (int i = threadIdx.x; i < N * HW; i += STAT_THREADS) {
    int n = i / HW, p = i % HW;
    float v = x[(n * C + c) * HW + p];
    sum += v;
    sq += v * v;
  }
  s_sum[threadIdx.x] = sum;
  s_sq[threadIdx.x] = sq;
  __syncthreads();
  for (int s = STAT_THREADS / 2; s > 0; s >>= 1) {
    if (threadIdx.x < s) {
      s_sum[threadIdx.x] += s_sum[threadIdx.x + s];
      s_sq[threadIdx.x] += s_sq[threadIdx.x + s];
    }
    __syncthreads();
  }
  if (threadIdx.x == 0) {
    float m = s_sum[0] / (N * HW);
    mean[c] = m;
    var[c] = s_sq[0] / (N * HW) - m * m;
  }
}

__global__ void bn_apply(const float* __restrict__ x, const float* __restrict__ mean,
                         const float* __restrict__ var, const float* __restrict__ gamma,
                         const float* __restrict__ beta, float* __restrict__ y) {
  int idx = blockIdx.x * blockDim.x + threadIdx.x;
  if (idx >= TOTAL) return;
  int c = (idx / HW) % C;
  float inv_std = rsqrtf(var[c] + BN_EPS);
  y[idx] = (x[idx] - mean[c]) * inv_std * gamma[c] + beta[c];
}

extern "C" void batchnorm_kernel(float* x, float* gamma, float* beta, float* y,
                                 float* save_mean, float* save_var) {
  float *d_x, *d_y, *d_g, *d_b, *d_mean, *d_var;
  cudaMalloc(&d_x, TOTAL * sizeof(float));
  cudaMalloc(&d_y, TOTAL * sizeof(float));
  cudaMalloc(&d_g, C * sizeof(float));
  cudaMalloc(&d_b, C * sizeof(float));
  cudaMalloc(&d_mean, C * sizeof(float));
  cudaMalloc(&d_var, C * sizeof(float));
  cudaMemcpy(d_x, x, TOTAL * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_g, gamma, C * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, beta, C * sizeof(float), cudaMemcpyHostToDevice);

  bn_stats<<<C, STAT_THREADS>>>(d_x, d_mean, d_var);
  bn_apply<<<(TOTAL + 255) / 256, 256>>>(d_x, d_mean, d_var, d_g, d_b, d_y);
  cudaDeviceSynchronize();

  cudaMemcpy(y, d_y, TOTAL * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(save_mean, d_mean, C * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(save_var, d_var, C * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x); cudaFree(d_y); cudaFree(d_g); cudaFree(d_b); cudaFree(d_mean); cudaFree(d_var);
}
