// y = sigmoid(W x + b): W [M][K] row-major. x is staged once per block in dynamic shared
// memory; one warp per output row, lanes stride over K, __shfl_down_sync tree reduction.
#include <cuda_runtime.h>

#define WARPS_PER_BLOCK 8
#define THREADS (WARPS_PER_BLOCK * 32)
#define FULL_MASK 0xffffffffu
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float sigmoidf(float z) { return 1.0f / (1.0f + expf(-z)); }

__global__ void __launch_bounds__(THREADS) gemv_sigmoid(const float* __restrict__ W,
                                                        const float* __restrict__ x,
                                                        const float* __restrict__ bias,
                                                        float* __restrict__ y, int M, int K) {
  extern __shared__ float xs[];  // K floats
  for (int k = threadIdx.x; k < K; k += THREADS) xs[k] = x[k];
  __syncthreads();

  const int lane = threadIdx.x & 31;
  const int row = blockIdx.x * WARPS_PER_BLOCK + (threadIdx.x >> 5);
  if (row >= M) return;  // whole warp leaves together, after the only block barrier

  const float* __restrict__ wr = W + (size_t)row * K;
  float acc = 0.0f;
  for (int k = lane; k < K; k += 32) acc += wr[k] * xs[k];
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) acc += __shfl_down_sync(FULL_MASK, acc, o);

  if (lane == 0) y[row] = sigmoidf(acc + bias[row]);
}

extern "C" void gemv_sigmoid_kernel(const float* W, const float* x, const float* bias, float* y,
                                    int M, int K) {
  float *d_W, *d_x, *d_b, *d_y;
  cudaMalloc((void**)&d_W, (size_t)M * K * sizeof(float));
  cudaMalloc((void**)&d_x, (size_t)K * sizeof(float));
  cudaMalloc((void**)&d_b, (size_t)M * sizeof(float));
  cudaMalloc((void**)&d_y, (size_t)M * sizeof(float));
  cudaMemcpy(d_W, W, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_x, x, (size_t)K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, bias, (size_t)M * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(M, WARPS_PER_BLOCK)), block(THREADS);
  const size_t shmem = (size_t)K * sizeof(float);
  gemv_sigmoid<<<grid, block, shmem>>>(d_W, d_x, d_b, d_y, M, K);

  cudaMemcpy(y, d_y, (size_t)M * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_W);
  cudaFree(d_x);
  cudaFree(d_b);
  cudaFree(d_y);
}
