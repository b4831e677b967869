#include <hip/hip_runtime.h>
#include <cmath>
#include <cstdio>

#define HIP_CHECK(e)                                                              \
  if ((e) != hipSuccess) {                                                        \
    fprintf(stderr, "HIP error %s @ %s:%d\n", hipGetErrorString(e), __FILE__, __LINE__); \
  }

// Grouped-query causal attention, head_dim 64.
// One block per (query position, kv head, batch); blockDim = (64, group): each wavefront (row y)
// handles one query head of the group, and all of them share the K/V rows staged in LDS.
constexpr int HD = 64;
constexpr int MAX_S = 64;

__device__ __forceinline__ float wave_max(float v) {
  for (int off = 32; off >= 1; off >>= 1) v = fmaxf(v, __shfl_xor(v, off));
  return v;
}
__device__ __forceinline__ float wave_sum(float v) {
  for (int off = 32; off >= 1; off >>= 1) v += __shfl_xor(v, off);
  return v;
}

__global__ void gqa_causal_fwd(const float* __restrict__ Q, const float* __restrict__ K,
                               const float* __restrict__ V, float* __restrict__ O,
                               int q_heads, int kv_heads, int seq) {
  __shared__ float Ks[MAX_S][HD];
  __shared__ float Vs[MAX_S][HD];
  __shared__ float P[8][MAX_S];

  const int qi = blockIdx.x, kvh = blockIdx.y, b = blockIdx.z;
  const int group = blockDim.y;
  const int lane = threadIdx.x, g = threadIdx.y;
  const int h = kvh * group + g;
  const int nkeys = qi + 1;                               // causal

  const float* kbase = K + ((size_t)(b * kv_heads + kvh) * seq) * HD;
  const float* vbase = V + ((size_t)(b * kv_heads + kvh) * seq) * HD;
  for (int i = g * HD + lane; i < nkeys * HD; i += HD * group) {
    Ks[i / HD][i % HD] = kbase[i];
    Vs[i / HD][i % HD] = vbase[i];
  }
  __syncthreads();

  const float* q = Q + (((size_t)(b * q_heads + h) * seq) + qi) * HD;
  const float scale = 0.125f;   // 1/sqrt(64)

  float m = -INFINITY;
  for (int j = lane; j < nkeys; j += 64) {
    float s = 0.f;
    for (int d = 0; d < HD; ++d) s += q[d] * Ks[j][d];
    s *= scale;
    P[g][j] = s;
    m = fmaxf(m, s);
  }
  m = wave_max(m);

  float l = 0.f;
  for (int j = lane; j < nkeys; j += 64) {
    float e = expf(P[g][j] - m);
    P[g][j] = e;
    l += e;
  }
  l = wave_sum(l);
  __syncthreads();

  float acc = 0.f;
  for (int j = 0; j < nkeys; ++j) acc += P[g][j] * Vs[j][lane];
  O[(((size_t)(b * q_heads + h) * seq) + qi) * HD + lane] = acc / l;
}

extern "C" void gqa_attention(float* q, float* k, float* v, float* o,
                              int batch, int q_heads, int kv_heads, int seq) {
  const size_t nq = (size_t)batch * q_heads * seq * HD;
  const size_t nkv = (size_t)batch * kv_heads * seq * HD;
  float *dq, *dk, *dv, *dout;
  HIP_CHECK(hipMalloc(&dq, nq * sizeof(float)));
  HIP_CHECK(hipMalloc(&dk, nkv * sizeof(float)));
  HIP_CHECK(hipMalloc(&dv, nkv * sizeof(float)));
  HIP_CHECK(hipMalloc(&dout, nq * sizeof(float)));
  HIP_CHECK(hipMemcpy(dq, q, nq * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dk, k, nkv * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dv, v, nkv * sizeof(float), hipMemcpyHostToDevice));
  const int group = q_heads / kv_heads;
  hipLaunchKernelGGL(gqa_causal_fwd, dim3(seq, kv_heads, batch), dim3(64, group), 0, 0,
                     dq, dk, dv, dout, q_heads, kv_heads, seq);
  HIP_CHECK(hipMemcpy(o, dout, nq * sizeof(float), hipMemcpyDeviceToHost));
  hipFree(dq); hipFree(dk); hipFree(dv); hipFree(dout);
}
