// Grouped-query attention (non-causal), fp32: Q[B][NH][Sq][D], K/V[B][NKV][Skv][D], NKV divides NH
// and query head h reads key/value head h / (NH / NKV). One block per (query row, head, batch).
// The query row goes to shared memory; every thread scores keys tid, tid + THREADS, ... into a
// shared score row; the row max and the sum of exp(s - max) are block reductions (shuffles +
// per-warp partials); for the output each thread owns one of D columns and half of the keys, and
// the two halves are added through shared memory.
#include <cuda_runtime.h>
#include <cfloat>

#define HEAD_DIM 64
#define MAX_KV 256
#define THREADS 128
#define WARPS (THREADS / 32)
#define KV_SPLIT (THREADS / HEAD_DIM)
#define FULL_MASK 0xffffffffu

__device__ __forceinline__ float block_reduce(float v, float* partial, bool is_max) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
  for (int o = 16; o > 0; o >>= 1) {
    const float u = __shfl_xor_sync(FULL_MASK, v, o);
    v = is_max ? fmaxf(v, u) : v + u;
  }
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  float r = partial[0];
#pragma unroll
  for (int w = 1; w < WARPS; ++w) r = is_max ? fmaxf(r, partial[w]) : r + partial[w];
  __syncthreads();  // partial is reused by the next reduction
  return r;
}

__global__ void __launch_bounds__(THREADS) gqa_attention(const float* __restrict__ Q,
                                                         const float* __restrict__ K,
                                                         const float* __restrict__ V,
                                                         float* __restrict__ O, int NH, int NKV,
                                                         int Sq, int Skv, float scale) {
  __shared__ float q[HEAD_DIM];
  __shared__ float p[MAX_KV];
  __shared__ float partial[WARPS];
  __shared__ float half_out[KV_SPLIT][HEAD_DIM];

  const int row = blockIdx.x, h = blockIdx.y, b = blockIdx.z;
  const int kvh = h / (NH / NKV);
  const int tid = threadIdx.x;
  const float* __restrict__ Kh = K + ((size_t)b * NKV + kvh) * Skv * HEAD_DIM;
  const float* __restrict__ Vh = V + ((size_t)b * NKV + kvh) * Skv * HEAD_DIM;
  const size_t qoff = (((size_t)b * NH + h) * Sq + row) * HEAD_DIM;
  if (tid < HEAD_DIM) q[tid] = Q[qoff + tid];
  __syncthreads();

  float m = -FLT_MAX;
  for (int j = tid; j < Skv; j += THREADS) {
    float s = 0.0f;
#pragma unroll 8
    for (int d = 0; d < HEAD_DIM; ++d) s += q[d] * Kh[(size_t)j * HEAD_DIM + d];
    s *= scale;
    p[j] = s;
    m = fmaxf(m, s);
  }
  m = block_reduce(m, partial, true);
  float l = 0.0f;
  for (int j = tid; j < Skv; j += THREADS) {
    const float e = expf(p[j] - m);
    p[j] = e;
    l += e;
  }
  l = block_reduce(l, partial, false);  // its barrier also publishes p[]

  const int d = tid % HEAD_DIM, part = tid / HEAD_DIM;
  float acc = 0.0f;
  for (int j = part; j < Skv; j += KV_SPLIT) acc += p[j] * Vh[(size_t)j * HEAD_DIM + d];
  half_out[part][d] = acc;
  __syncthreads();
  if (tid < HEAD_DIM) {
    float o = 0.0f;
#pragma unroll
    for (int s = 0; s < KV_SPLIT; ++s) o += half_out[s][tid];
    O[qoff + tid] = o / l;
  }
}

extern "C" void gqa_attention_kernel(const float* Q, const float* K, const float* V, float* O, int B,
                                     int NH, int NKV, int Sq, int Skv) {
  const size_t q_bytes = (size_t)B * NH * Sq * HEAD_DIM * sizeof(float);
  const size_t kv_bytes = (size_t)B * NKV * Skv * HEAD_DIM * sizeof(float);
  float *d_q, *d_k, *d_v, *d_o;
  cudaMalloc((void**)&d_q, q_bytes);
  cudaMalloc((void**)&d_k, kv_bytes);
  cudaMalloc((void**)&d_v, kv_bytes);
  cudaMalloc((void**)&d_o, q_bytes);
  cudaMemcpy(d_q, Q, q_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_k, K, kv_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_v, V, kv_bytes, cudaMemcpyHostToDevice);

  const float scale = 0.125f;  // 1 / sqrt(HEAD_DIM)
  dim3 grid(Sq, NH, B), block(THREADS);
  gqa_attention<<<grid, block>>>(d_q, d_k, d_v, d_o, NH, NKV, Sq, Skv, scale);

  cudaMemcpy(O, d_o, q_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_q);
  cudaFree(d_k);
  cudaFree(d_v);
  cudaFree(d_o);
}
