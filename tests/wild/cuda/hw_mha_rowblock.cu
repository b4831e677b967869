// Multi-head attention forward (no dropout), Q/K/V/O laid out [batch][heads][seq][64].
// One 64-thread block per (query, head, batch): scores for the row kept in shared memory.
#include <cuda_runtime.h>
#include <math.h>

constexpr int HEAD_DIM = 64;
constexpr int MAX_SEQ = 256;
constexpr int NTHREADS = 64;

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffff, v, o));
  return v;
}
__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffff, v, o);
  return v;
}

__global__ void __launch_bounds__(NTHREADS)
mha_fwd_row(const float* __restrict__ Q, const float* __restrict__ K, const float* __restrict__ V,
            float* __restrict__ O, int seq, float scale, int causal) {
  __shared__ float q_s[HEAD_DIM];
  __shared__ float p_s[MAX_SEQ];
  __shared__ float red[2];

  const int qi = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int heads = gridDim.y;
  const size_t base = ((size_t)b * heads + h) * seq * HEAD_DIM;
  const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
  const int kv_len = causal ? qi + 1 : seq;

  q_s[tid] = Q[base + (size_t)qi * HEAD_DIM + tid] * scale;
  __syncthreads();

  float m = -INFINITY;
  for (int j = tid; j < kv_len; j += NTHREADS) {
    const float* kr = K + base + (size_t)j * HEAD_DIM;
    float s = 0.f;
#pragma unroll 16
    for (int d = 0; d < HEAD_DIM; ++d) s += q_s[d] * kr[d];
    p_s[j] = s;
    m = fmaxf(m, s);
  }
  m = warp_max(m);
  if (lane == 0) red[warp] = m;
  __syncthreads();
  m = fmaxf(red[0], red[1]);
  __syncthreads();

  float l = 0.f;
  for (int j = tid; j < kv_len; j += NTHREADS) {
    float e = __expf(p_s[j] - m);
    p_s[j] = e;
    l += e;
  }
  l = warp_sum(l);
  if (lane == 0) red[warp] = l;
  __syncthreads();
  const float inv_l = 1.f / (red[0] + red[1]);

  // thread tid owns output dimension tid
  float acc = 0.f;
  for (int j = 0; j < kv_len; ++j) acc += p_s[j] * V[base + (size_t)j * HEAD_DIM + tid];
  O[base + (size_t)qi * HEAD_DIM + tid] = acc * inv_l;
}

extern "C" void mha_forward(float* q, float* k, float* v, float* o, int batch, int heads, int seq, int causal) {
  size_t n = (size_t)batch * heads * seq * HEAD_DIM;
  float *dq, *dk, *dv, *dout;
  cudaMalloc(&dq, n * sizeof(float));
  cudaMalloc(&dk, n * sizeof(float));
  cudaMalloc(&dv, n * sizeof(float));
  cudaMalloc(&dout, n * sizeof(float));
  cudaMemcpy(dq, q, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dk, k, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dv, v, n * sizeof(float), cudaMemcpyHostToDevice);
  dim3 grid(seq, heads, batch);
  mha_fwd_row<<<grid, NTHREADS>>>(dq, dk, dv, dout, seq, 1.0f / sqrtf((float)HEAD_DIM), causal);
  cudaMemcpy(o, dout, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dq); cudaFree(dk); cudaFree(dv); cudaFree(dout);
}
