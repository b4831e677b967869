// Batched GEMM C[b] = A[b] * B[b], fp32 row-major, A[batch][M][K], B[batch][K][N], C[batch][M][N].
// blockIdx.z is the batch; each block computes a 32x32 tile of C with 32x8 threads, every thread
// a column strip of 4 outputs (rows ty, ty+8, ty+16, ty+24) kept in registers. The K loop stages
// a 32x16 tile of A and a 16x32 tile of B in shared memory, zero-filled past M, N and K.
#include <cuda_runtime.h>

#define BM 32
#define BN 32
#define BK 16
#define TX 32
#define TY 8
#define THREADS (TX * TY)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) bmm_tiled(const float* __restrict__ A,
                                                     const float* __restrict__ B,
                                                     float* __restrict__ C, int M, int N, int K) {
  __shared__ float As[BM][BK + 1];  // +1: column reads As[ty + 8i][kk] avoid bank conflicts
  __shared__ float Bs[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * TX + tx;
  const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
  const float* __restrict__ Ab = A + (size_t)blockIdx.z * M * K;
  const float* __restrict__ Bb = B + (size_t)blockIdx.z * K * N;
  float* __restrict__ Cb = C + (size_t)blockIdx.z * M * N;

  float acc0 = 0.0f, acc1 = 0.0f, acc2 = 0.0f, acc3 = 0.0f;
  for (int k0 = 0; k0 < K; k0 += BK) {
#pragma unroll
    for (int i = tid; i < BM * BK; i += THREADS) {
      const int r = i / BK, c = i % BK;
      const int gr = row0 + r, gc = k0 + c;
      As[r][c] = (gr < M && gc < K) ? Ab[(size_t)gr * K + gc] : 0.0f;
    }
#pragma unroll
    for (int i = tid; i < BK * BN; i += THREADS) {
      const int r = i / BN, c = i % BN;
      const int gr = k0 + r, gc = col0 + c;
      Bs[r][c] = (gr < K && gc < N) ? Bb[(size_t)gr * N + gc] : 0.0f;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      const float b = Bs[kk][tx];
      acc0 += As[ty][kk] * b;
      acc1 += As[ty + TY][kk] * b;
      acc2 += As[ty + 2 * TY][kk] * b;
      acc3 += As[ty + 3 * TY][kk] * b;
    }
    __syncthreads();
  }

  const int c = col0 + tx;
  if (c >= N) return;
  const int r = row0 + ty;
  if (r < M) Cb[(size_t)r * N + c] = acc0;
  if (r + TY < M) Cb[(size_t)(r + TY) * N + c] = acc1;
  if (r + 2 * TY < M) Cb[(size_t)(r + 2 * TY) * N + c] = acc2;
  if (r + 3 * TY < M) Cb[(size_t)(r + 3 * TY) * N + c] = acc3;
}

extern "C" void bmm_tiled_kernel(const float* A, const float* B, float* C, int batch, int M, int N,
                                 int K) {
  const size_t a_bytes = (size_t)batch * M * K * sizeof(float);
  const size_t b_bytes = (size_t)batch * K * N * sizeof(float);
  const size_t c_bytes = (size_t)batch * M * N * sizeof(float);
  float *d_A, *d_B, *d_C;
  cudaMalloc((void**)&d_A, a_bytes);
  cudaMalloc((void**)&d_B, b_bytes);
  cudaMalloc((void**)&d_C, c_bytes);
  cudaMemcpy(d_A, A, a_bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_B, B, b_bytes, cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM), batch), block(TX, TY);
  bmm_tiled<<<grid, block>>>(d_A, d_B, d_C, M, N, K);

  cudaMemcpy(C, d_C, c_bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_A);
  cudaFree(d_B);
  cudaFree(d_C);
}
