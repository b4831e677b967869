// GEMM C[M][N] = A[M][K] * B[K][N], fp16 inputs (row-major), fp32 accumulate/output, WMMA 16x16x16.
// Block tile 32x32 computed by 4 warps (2x2, one 16x16 accumulator each); K is walked in steps
// of 32. Tiles are staged in shared memory and zero-padded past M, N and K, so no extent needs
// to be a multiple of 16; the accumulators go through shared memory for the guarded store.
#include <cuda_runtime.h>
#include <cuda_fp16.h>
#include <mma.h>

using namespace nvcuda;

#define WMMA_M 16
#define WMMA_N 16
#define WMMA_K 16
#define BM 32
#define BN 32
#define BK 32
#define APAD 8
#define BPAD 8
#define CPAD 4
#define WARPS 4
#define THREADS (WARPS * 32)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) gemm_wmma(const half* __restrict__ A,
                                                     const half* __restrict__ B,
                                                     float* __restrict__ C, int M, int N, int K) {
  __shared__ __align__(32) half As[BM][BK + APAD];
  __shared__ __align__(32) half Bs[BK][BN + BPAD];
  __shared__ __align__(32) float Cs[BM][BN + CPAD];

  const int tid = threadIdx.x;
  const int warp = tid / 32;
  const int warp_m = warp / 2;  // 0..1: which 16-row half of the block tile
  const int warp_n = warp % 2;  // 0..1: which 16-column half
  const int row0 = blockIdx.y * BM;
  const int col0 = blockIdx.x * BN;
  const half hzero = __float2half(0.0f);

  wmma::fragment<wmma::matrix_a, WMMA_M, WMMA_N, WMMA_K, half, wmma::row_major> a_frag;
  wmma::fragment<wmma::matrix_b, WMMA_M, WMMA_N, WMMA_K, half, wmma::row_major> b_frag;
  wmma::fragment<wmma::accumulator, WMMA_M, WMMA_N, WMMA_K, float> acc;
  wmma::fill_fragment(acc, 0.0f);

  for (int k0 = 0; k0 < K; k0 += BK) {
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK;
      const int c = i % BK;
      const int gr = row0 + r;
      const int gc = k0 + c;
      As[r][c] = (gr < M && gc < K) ? A[(size_t)gr * K + gc] : hzero;
    }
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN;
      const int c = i % BN;
      const int gr = k0 + r;
      const int gc = col0 + c;
      Bs[r][c] = (gr < K && gc < N) ? B[(size_t)gr * N + gc] : hzero;
    }
    __syncthreads();

#pragma unroll
    for (int kk = 0; kk < BK; kk += WMMA_K) {
      wmma::load_matrix_sync(a_frag, &As[warp_m * WMMA_M][kk], BK + APAD);
      wmma::load_matrix_sync(b_frag, &Bs[kk][warp_n * WMMA_N], BN + BPAD);
      wmma::mma_sync(acc, a_frag, b_frag, acc);
    }
    __syncthreads();
  }

  wmma::store_matrix_sync(&Cs[warp_m * WMMA_M][warp_n * WMMA_N], acc, BN + CPAD, wmma::mem_row_major);
  __syncthreads();

  for (int i = tid; i < BM * BN; i += THREADS) {
    const int r = i / BN;
    const int c = i % BN;
    const int gr = row0 + r;
    const int gc = col0 + c;
    if (gr < M && gc < N) C[(size_t)gr * N + gc] = Cs[r][c];
  }
}

extern "C" void gemm_wmma_kernel(const half* A, const half* B, float* C, int M, int N, int K) {
  half *d_A, *d_B;
  float* d_C;
  cudaMalloc((void**)&d_A, (size_t)M * K * sizeof(half));
  cudaMalloc((void**)&d_B, (size_t)K * N * sizeof(half));
  cudaMalloc((void**)&d_C, (size_t)M * N * sizeof(float));
  cudaMemcpy(d_A, A, (size_t)M * K * sizeof(half), cudaMemcpyHostToDevice);
  cudaMemcpy(d_B, B, (size_t)K * N * sizeof(half), cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM)), block(THREADS);
  gemm_wmma<<<grid, block>>>(d_A, d_B, d_C, M, N, K);

  cudaMemcpy(C, d_C, (size_t)M * N * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(d_A);
  cudaFree(d_B);
  cudaFree(d_C);
}
