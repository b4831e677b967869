// Global sum and max of a vector in one pass: grid-stride accumulation, warp shuffles,
// per-warp partials in shared memory, one atomicAdd / atomicMax per block.
#include <cuda_runtime.h>
#include <climits>

#define THREADS 256
#define WARPS (THREADS / 32)
#define MAX_BLOCKS 32
#define ITEMS_PER_THREAD 4
#define FULL_MASK 0xffffffffu
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

// Order-preserving map float -> int (signed compare on the result orders like the floats).
__device__ __forceinline__ int float_to_ordered(float f) {
  const int i = __float_as_int(f);
  return i >= 0 ? i : (i ^ 0x7fffffff);
}

__device__ __forceinline__ float ordered_to_float(int i) {
  return __int_as_float(i >= 0 ? i : (i ^ 0x7fffffff));
}

__global__ void __launch_bounds__(THREADS) reduce_sum_max(const float* __restrict__ x,
                                                          float* __restrict__ out_sum,
                                                          int* __restrict__ max_key, int n) {
  __shared__ float warp_sum[WARPS];
  __shared__ float warp_max[WARPS];

  float s = 0.0f;
  float m = -INFINITY;
  for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
    const float v = x[i];
    s += v;
    m = fmaxf(m, v);
  }

  // warp level: tree sum by halving, butterfly max
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    s += __shfl_down_sync(FULL_MASK, s, o);
    m = fmaxf(m, __shfl_xor_sync(FULL_MASK, m, o));
  }

  const int lane = threadIdx.x & 31;
  const int warp = threadIdx.x >> 5;
  if (lane == 0) {
    warp_sum[warp] = s;
    warp_max[warp] = m;
  }
  __syncthreads();

  if (warp == 0) {
    s = (lane < WARPS) ? warp_sum[lane] : 0.0f;
    m = (lane < WARPS) ? warp_max[lane] : -INFINITY;
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
      s += __shfl_down_sync(FULL_MASK, s, o);
      m = fmaxf(m, __shfl_xor_sync(FULL_MASK, m, o));
    }
    if (lane == 0) {
      atomicAdd(out_sum, s);
      atomicMax(max_key, float_to_ordered(m));
    }
  }
}

__global__ void __launch_bounds__(32) decode_max(const int* __restrict__ max_key,
                                                 float* __restrict__ out_max) {
  if (threadIdx.x == 0) {
    out_max[0] = ordered_to_float(max_key[0]);
  }
}

extern "C" void reduce_sum_max_kernel(const float* x, float* out_sum, float* out_max, int n) {
  float *d_x, *d_sum, *d_max;
  int* d_key;
  const int key_init = INT_MIN;  // below the key of every float, -inf included
  cudaMalloc((void**)&d_x, (size_t)n * sizeof(float));
  cudaMalloc((void**)&d_sum, sizeof(float));
  cudaMalloc((void**)&d_max, sizeof(float));
  cudaMalloc((void**)&d_key, sizeof(int));
  cudaMemcpy(d_x, x, (size_t)n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemset(d_sum, 0, sizeof(float));
  cudaMemcpy(d_key, &key_init, sizeof(int), cudaMemcpyHostToDevice);

  int blocks = CEIL_DIV(n, THREADS * ITEMS_PER_THREAD);
  if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
  if (blocks < 1) blocks = 1;
  dim3 grid(blocks), block(THREADS);
  reduce_sum_max<<<grid, block>>>(d_x, d_sum, d_key, n);
  decode_max<<<1, 32>>>(d_key, d_max);

  cudaMemcpy(out_sum, d_sum, sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(out_max, d_max, sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_sum);
  cudaFree(d_max);
  cudaFree(d_key);
}
