// SwiGLU MLP: out = (silu(x Wg^T) * (x Wu^T)) Wd^T
// kernel 1: one block per token computes the intermediate activations (x row in dynamic smem)
// kernel 2: one warp per output element for the down projection
#include <cuda_runtime.h>
#include <cstdio>

#define CUDA_CHECK(e) do { cudaError_t _s = (e); if (_s != cudaSuccess) { \
    fprintf(stderr, "cuda error %d (%s) line %d\n", (int)_s, cudaGetErrorString(_s), __LINE__); } } while (0)

__device__ __forceinline__ float silu(float v) { return v / (1.0f + __expf(-v)); }

__global__ void swiglu_gate_up(const float* __restrict__ x, const float* __restrict__ w_gate,
                               const float* __restrict__ w_up, float* __restrict__ act,
                               int hidden, int inter) {
  extern __shared__ float xs[];
  const int t = blockIdx.x;
  for (int i = threadIdx.x; i < hidden; i += blockDim.x) xs[i] = x[t * hidden + i];
  __syncthreads();
  for (int j = threadIdx.x; j < inter; j += blockDim.x) {
    const float* wg = w_gate + (size_t)j * hidden;
    const float* wu = w_up + (size_t)j * hidden;
    float g = 0.f, u = 0.f;
    for (int i = 0; i < hidden; ++i) {
      g += xs[i] * wg[i];
      u += xs[i] * wu[i];
    }
    act[(size_t)t * inter + j] = silu(g) * u;
  }
}

__global__ void down_proj_warp(const float* __restrict__ act, const float* __restrict__ w_down,
                               float* __restrict__ out, int tokens, int hidden, int inter) {
  int gw = (blockIdx.x * blockDim.x + threadIdx.x) >> 5;
  int lane = threadIdx.x & 31;
  if (gw >= tokens * hidden) return;      // whole warp exits together
  int t = gw / hidden, o = gw % hidden;
  const float* a = act + (size_t)t * inter;
  const float* w = w_down + (size_t)o * inter;
  float s = 0.f;
  for (int j = lane; j < inter; j += 32) s += a[j] * w[j];
  for (int off = 16; off; off >>= 1) s += __shfl_down_sync(0xffffffff, s, off);
  if (lane == 0) out[(size_t)t * hidden + o] = s;
}

extern "C" void gated_mlp(float* x, float* w_gate, float* w_up, float* w_down, float* out,
                          int tokens, int hidden, int inter) {
  float *dx, *dwg, *dwu, *dwd, *dact, *dout;
  CUDA_CHECK(cudaMalloc(&dx, sizeof(float) * tokens * hidden));
  CUDA_CHECK(cudaMalloc(&dwg, sizeof(float) * inter * hidden));
  CUDA_CHECK(cudaMalloc(&dwu, sizeof(float) * inter * hidden));
  CUDA_CHECK(cudaMalloc(&dwd, sizeof(float) * hidden * inter));
  CUDA_CHECK(cudaMalloc(&dact, sizeof(float) * tokens * inter));
  CUDA_CHECK(cudaMalloc(&dout, sizeof(float) * tokens * hidden));
  CUDA_CHECK(cudaMemcpy(dx, x, sizeof(float) * tokens * hidden, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dwg, w_gate, sizeof(float) * inter * hidden, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dwu, w_up, sizeof(float) * inter * hidden, cudaMemcpyHostToDevice));
  CUDA_CHECK(cudaMemcpy(dwd, w_down, sizeof(float) * hidden * inter, cudaMemcpyHostToDevice));

  swiglu_gate_up<<<tokens, 128, hidden * sizeof(float)>>>(dx, dwg, dwu, dact, hidden, inter);
  CUDA_CHECK(cudaGetLastError());
  int warps = tokens * hidden;
  down_proj_warp<<<(warps * 32 + 255) / 256, 256>>>(dact, dwd, dout, tokens, hidden, inter);
  CUDA_CHECK(cudaGetLastError());

  CUDA_CHECK(cudaMemcpy(out, dout, sizeof(float) * tokens * hidden, cudaMemcpyDeviceToHost));
  cudaFree(dx); cudaFree(dwg); cudaFree(dwu); cudaFree(dwd); cudaFree(dact); cudaFree(dout);
}
