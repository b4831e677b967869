// Dense (linear) layer y = x W^T + b: x[M][K] and W[N][K] fp16 (PyTorch Linear layout), bias and
// y fp32, WMMA 16x16x16 with fp32 accumulate. A 32x32 output tile per block, 4 warps (2x2), one
// 16x16 accumulator each. Tiles of x and W are staged in shared memory and zero-padded past M, N
// and K; W's tile is kept [n][k], so it is read as a col_major matrix_b (B[k][n] = W[n][k]).
// The accumulators go through shared memory, where the bias is added under the M/N guards.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <mma.h>

using namespace nvcuda;

#define WM 16
#define WN 16
#define WK 16
#define BM 32
#define BN 32
#define BK 32
#define SPAD 8
#define CPAD 4
#define THREADS 128
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) dense_wmma(const half* __restrict__ x,
                                                      const half* __restrict__ W,
                                                      const float* __restrict__ bias,
                                                      float* __restrict__ y, int M, int N, int K) {
  __shared__ __align__(32) half Xs[BM][BK + SPAD];
  __shared__ __align__(32) half Ws[BN][BK + SPAD];
  __shared__ __align__(32) float Cs[BM][BN + CPAD];

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int wm = warp / 2, wn = warp % 2;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  const half hzero = __float2half(0.0f);

  wmma::fragment<wmma::matrix_a, WM, WN, WK, half, wmma::row_major> a;
  wmma::fragment<wmma::matrix_b, WM, WN, WK, half, wmma::col_major> b;
  wmma::fragment<wmma::accumulator, WM, WN, WK, float> acc;
  wmma::fill_fragment(acc, 0.0f);

  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK;
      const int gr = row0 + r, gc = k0 + c;
      Xs[r][c] = (gr < M && gc < K) ? x[(size_t)gr * K + gc] : hzero;
      const int gn = col0 + r;  // BN == BM: the same loop stages W's rows
      Ws[r][c] = (gn < N && gc < K) ? W[(size_t)gn * K + gc] : hzero;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; kk += WK) {
      wmma::load_matrix_sync(a, &Xs[wm * WM][kk], BK + SPAD);
      wmma::load_matrix_sync(b, &Ws[wn * WN][kk], BK + SPAD);
      wmma::mma_sync(acc, a, b, acc);
    }
    __syncthreads();
  }

  wmma::store_matrix_sync(&Cs[wm * WM][wn * WN], acc, BN + CPAD, wmma::mem_row_major);
  __syncthreads();
  for (int i = tid; i < BM * BN; i += THREADS) {
    const int r = i / BN, c = i % BN;
    const int gr = row0 + r, gc = col0 + c;
    if (gr < M && gc < N) y[(size_t)gr * N + gc] = Cs[r][c] + __ldg(&bias[gc]);
  }
}

extern "C" void dense_wmma_kernel(const half* x, const half* W, const float* bias, float* y, int M,
                                  int N, int K) {
  half *d_x, *d_W;
  float *d_b, *d_y;
  cudaMalloc((void**)&d_x, (size_t)M * K * sizeof(half));
  cudaMalloc((void**)&d_W, (size_t)N * K * sizeof(half));
  cudaMalloc((void**)&d_b, (size_t)N * sizeof(float));
  cudaMalloc((void**)&d_y, (size_t)M * N * sizeof(float));
  cudaMemcpy(d_x, x, (size_t)M * K * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(d_W, W, (size_t)N * K * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, bias, (size_t)N * sizeof(float), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM)), block(THREADS);
  dense_wmma<<<grid, block>>>(d_x, d_W, d_b, d_y, M, N, K);

  cudaMemcpy(y, d_y, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_W);
  cudaFree(d_b);
  cudaFree(d_y);
}
