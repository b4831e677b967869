// Gated MLP up-projection (SwiGLU): out = silu(x @ Wg) * (x @ Wu), fp32, x[M][K], Wg/Wu[K][N],
// out[M][N]. Both GEMMs share one pass over K: per step the block stages a BM x BK tile of x
// and BK x BN tiles of Wg and Wu in shared memory (zero-filled past M, N, K); 16x16 threads each
// keep a 2x2 micro-tile of both accumulators in registers, and the gate is applied on the way out.
#include <cuda_runtime.h>

#define BM 32
#define BN 32
#define BK 16
#define TX 16
#define TY 16
#define THREADS (TX * TY)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float silu(float v) { return v / (1.0f + expf(-v)); }

__global__ void __launch_bounds__(THREADS) gated_mlp_silu(const float* __restrict__ x,
                                                          const float* __restrict__ Wg,
                                                          const float* __restrict__ Wu,
                                                          float* __restrict__ out, int M, int N,
                                                          int K) {
  __shared__ float Xs[BM][BK + 1];
  __shared__ float Gs[BK][BN];
  __shared__ float Us[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TX + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  float g00 = 0.0f, g01 = 0.0f, g10 = 0.0f, g11 = 0.0f;  // gate accumulators (rows i, cols j)
  float u00 = 0.0f, u01 = 0.0f, u10 = 0.0f, u11 = 0.0f;  // up accumulators

  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK;
      const int gr = row0 + r, gc = k0 + c;
      Xs[r][c] = (gr < M && gc < K) ? x[(size_t)gr * K + gc] : 0.0f;
    }
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN, c = i % BN;
      const int gr = k0 + r, gc = col0 + c;
      const bool in = gr < K && gc < N;
      Gs[r][c] = in ? Wg[(size_t)gr * N + gc] : 0.0f;
      Us[r][c] = in ? Wu[(size_t)gr * N + gc] : 0.0f;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      const float a0 = Xs[ty][kk], a1 = Xs[ty + TY][kk];
      const float bg0 = Gs[kk][tx], bg1 = Gs[kk][tx + TX];
      const float bu0 = Us[kk][tx], bu1 = Us[kk][tx + TX];
      g00 += a0 * bg0;
      g01 += a0 * bg1;
      g10 += a1 * bg0;
      g11 += a1 * bg1;
      u00 += a0 * bu0;
      u01 += a0 * bu1;
      u10 += a1 * bu0;
      u11 += a1 * bu1;
    }
    __syncthreads();
  }

  const int r0 = row0 + ty, r1 = row0 + ty + TY;
  const int c0 = col0 + tx, c1 = col0 + tx + TX;
  if (r0 < M && c0 < N) out[(size_t)r0 * N + c0] = silu(g00) * u00;
  if (r0 < M && c1 < N) out[(size_t)r0 * N + c1] = silu(g01) * u01;
  if (r1 < M && c0 < N) out[(size_t)r1 * N + c0] = silu(g10) * u10;
  if (r1 < M && c1 < N) out[(size_t)r1 * N + c1] = silu(g11) * u11;
}

extern "C" void gated_mlp_silu_kernel(const float* x, const float* Wg, const float* Wu, float* out,
                                      int M, int N, int K) {
  float *d_x, *d_g, *d_u, *d_o;
  cudaMalloc((void**)&d_x, (size_t)M * K * sizeof(float));
  cudaMalloc((void**)&d_g, (size_t)K * N * sizeof(float));
  cudaMalloc((void**)&d_u, (size_t)K * N * sizeof(float));
  cudaMalloc((void**)&d_o, (size_t)M * N * sizeof(float));
  cudaMemcpy(d_x, x, (size_t)M * K * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_g, Wg, (size_t)K * N * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(d_u, Wu, (size_t)K * N * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM)), block(TX, TY);
  gated_mlp_silu<<<grid, block>>>(d_x, d_g, d_u, d_o, M, N, K);

  cudaMemcpy(out, d_o, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_g);
  cudaFree(d_u);
  cudaFree(d_o);
}
