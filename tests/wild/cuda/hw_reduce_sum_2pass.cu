// Sum of a large vector in two launches:
//   pass 1: each block reduces a grid-strided slice into partial[blockIdx.x]
//   pass 2: one block reduces the partials
#include <cstdio>
#include <cuda_runtime.h>

#define CHECK(x) do { cudaError_t e = (x); if (e != cudaSuccess) { \
    printf("%s failed: %s\n", #x, cudaGetErrorString(e)); return; } } while (0)

static const int kBlocks = 64;

__inline__ __device__ float warpReduceSum(float val) {
  for (int offset = warpSize / 2; offset > 0; offset /= 2)
    val += __shfl_down_sync(0xffffffff, val, offset);
  return val;
}

template <int BLOCK>
__inline__ __device__ float blockReduceSum(float val) {
  static __shared__ float shared[BLOCK / 32];
  int lane = threadIdx.x % 32;
  int wid = threadIdx.x / 32;
  val = warpReduceSum(val);
  if (lane == 0) shared[wid] = val;
  __syncthreads();
  val = (threadIdx.x < BLOCK / 32) ? shared[lane] : 0.0f;
  if (wid == 0) val = warpReduceSum(val);
  return val;
}

template <int BLOCK>
__global__ void reduce_partial(const float* __restrict__ in, float* __restrict__ partial, int n) {
  float sum = 0.0f;
  for (int i = blockIdx.x * BLOCK + threadIdx.x; i < n; i += BLOCK * gridDim.x)
    sum += in[i];
  sum = blockReduceSum<BLOCK>(sum);
  if (threadIdx.x == 0) partial[blockIdx.x] = sum;
}

template <int BLOCK>
__global__ void reduce_final(const float* __restrict__ partial, float* __restrict__ out, int m) {
  float sum = 0.0f;
  for (int i = threadIdx.x; i < m; i += BLOCK) sum += partial[i];
  sum = blockReduceSum<BLOCK>(sum);
  if (threadIdx.x == 0) *out = sum;
}

extern "C" void reduce_sum(float* input, float* output, int n) {
  float *d_in, *d_partial, *d_out;
  CHECK(cudaMalloc(&d_in, sizeof(float) * n));
  CHECK(cudaMalloc(&d_partial, sizeof(float) * kBlocks));
  CHECK(cudaMalloc(&d_out, sizeof(float)));
  CHECK(cudaMemcpy(d_in, input, sizeof(float) * n, cudaMemcpyHostToDevice));

  reduce_partial<256><<<kBlocks, 256>>>(d_in, d_partial, n);
  reduce_final<64><<<1, 64>>>(d_partial, d_out, kBlocks);
  CHECK(cudaGetLastError());

  CHECK(cudaMemcpy(output, d_out, sizeof(float), cudaMemcpyDeviceToHost));
  cudaFree(d_in);
  cudaFree(d_partial);
  cudaFree(d_out);
}
