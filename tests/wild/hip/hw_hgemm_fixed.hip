#include <hip/hip_runtime.h>
#include <hip/hip_fp16.h>

// fp16 GEMM with fp32 accumulation for one fixed projection: C[100x80] = A[100x72] * B[72x80].
// 32x32 output tile per 16x16 block, 2x2 outputs per thread, K stepped by 16.
constexpr int M = 100;
constexpr int N = 80;
constexpr int K = 72;
constexpr int BM = 32, BN = 32, BK = 16;

extern "C" __global__ void __launch_bounds__(256)
hgemm_100x80x72(const __half* __restrict__ A, const __half* __restrict__ B, __half* __restrict__ C) {
  __shared__ float As[BM][BK + 1];
  __shared__ float Bs[BK][BN];

  const int tx = threadIdx.x, ty = threadIdx.y;
  const int tid = ty * 16 + tx;
  const int m0 = blockIdx.y * BM, n0 = blockIdx.x * BN;

  float c00 = 0.f, c01 = 0.f, c10 = 0.f, c11 = 0.f;

  for (int k0 = 0; k0 < K; k0 += BK) {
    {  // A tile: 32 rows x 16 k, one half2 per thread
      int r = tid / (BK / 2), kk = (tid % (BK / 2)) * 2;
      int gm = m0 + r, gk = k0 + kk;
      float2 v = make_float2(0.f, 0.f);
      if (gm < M && gk < K) v = __half22float2(*reinterpret_cast<const __half2*>(A + gm * K + gk));
      As[r][kk] = v.x;
      As[r][kk + 1] = v.y;
    }
    {  // B tile: 16 k x 32 cols, one half2 per thread
      int kk = tid / (BN / 2), c = (tid % (BN / 2)) * 2;
      int gk = k0 + kk, gn = n0 + c;
      float2 v = make_float2(0.f, 0.f);
      if (gk < K && gn < N) v = __half22float2(*reinterpret_cast<const __half2*>(B + gk * N + gn));
      Bs[kk][c] = v.x;
      Bs[kk][c + 1] = v.y;
    }
    __syncthreads();
#pragma unroll
    for (int kk = 0; kk < BK; ++kk) {
      float a0 = As[ty * 2][kk], a1 = As[ty * 2 + 1][kk];
      float b0 = Bs[kk][tx * 2], b1 = Bs[kk][tx * 2 + 1];
      c00 += a0 * b0; c01 += a0 * b1;
      c10 += a1 * b0; c11 += a1 * b1;
    }
    __syncthreads();
  }

  const int r = m0 + ty * 2, c = n0 + tx * 2;
  if (c < N) {
    if (r < M) *reinterpret_cast<__half2*>(C + r * N + c) = __floats2half2_rn(c00, c01);
    if (r + 1 < M) *reinterpret_cast<__half2*>(C + (r + 1) * N + c) = __floats2half2_rn(c10, c11);
  }
}
