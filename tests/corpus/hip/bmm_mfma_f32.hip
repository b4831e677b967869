// Batched FP32 GEMM on CDNA matrix cores: C[b] = A[b] * B[b], A [batch,M,K], B [batch,K,N], C [batch,M,N],
// row-major. One 64-thread wavefront per 32x32 output tile, blockDim = (32, 2): lane = tx + 32 * ty;
// the batch index is blockIdx.z. Per k-chunk of BK = 8 the wave stages a 32x8 slice of A and an 8x32
// slice of B in LDS (zero-padded past M, N, K), then issues four v_mfma_f32_32x32x2f32:
//   lane supplies a = A[row0 + tx][k + ty], b = B[k + ty][col0 + tx];
//   accumulator element r holds C[row0 + 8 * (r / 4) + 4 * ty + r % 4][col0 + tx]   (hip.md 7.1).
#include <hip/hip_runtime.h>

#define TILE 32
#define BK 8
#define KSTEP 2
#define WAVE 64
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

static_assert(2 * TILE == WAVE, "blockDim (32, 2) is exactly one wavefront");

typedef float floatx16 __attribute__((ext_vector_type(16)));

__global__ void __launch_bounds__(WAVE)
bmm_mfma_f32(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
             const int M, const int N, const int K) {
    __shared__ float As[TILE][BK + 1];
    __shared__ float Bs[BK][TILE];
    const int tx = threadIdx.x;  // 0..31: row of A / column of B and C
    const int ty = threadIdx.y;  // 0..1:  k within an MFMA step / row group of C
    const int lane = tx + TILE * ty;
    const int row0 = blockIdx.y * TILE;
    const int col0 = blockIdx.x * TILE;
    const float* __restrict__ Ab = A + (size_t)blockIdx.z * M * K;
    const float* __restrict__ Bb = B + (size_t)blockIdx.z * K * N;
    float* __restrict__ Cb = C + (size_t)blockIdx.z * M * N;

    floatx16 acc = {0};
    for (int k0 = 0; k0 < K; k0 += BK) {
        for (int i = lane; i < TILE * BK; i += WAVE) {
            const int ar = i / BK, ac = i % BK;     // A slice: 32 rows x 8 k
            const int br = i / TILE, bc = i % TILE; // B slice: 8 k x 32 columns
            As[ar][ac] = (row0 + ar < M && k0 + ac < K) ? Ab[(size_t)(row0 + ar) * K + k0 + ac] : 0.0f;
            Bs[br][bc] = (k0 + br < K && col0 + bc < N) ? Bb[(size_t)(k0 + br) * N + col0 + bc] : 0.0f;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk += KSTEP)
            acc = __builtin_amdgcn_mfma_f32_32x32x2f32(As[tx][kk + ty], Bs[kk + ty][tx], acc, 0, 0, 0);
        __syncthreads();
    }
    const int col = col0 + tx;
#pragma unroll
    for (int r = 0; r < 16; ++r) {
        const int row = row0 + 8 * (r / 4) + 4 * ty + r % 4;
        if (row < M && col < N) Cb[(size_t)row * N + col] = acc[r];
    }
}

extern "C" void bmm_mfma_f32_kernel(const float* A, const float* B, float* C, int batch, int M, int N, int K) {
    const size_t abytes = (size_t)batch * M * K * sizeof(float);
    const size_t bbytes = (size_t)batch * K * N * sizeof(float);
    const size_t cbytes = (size_t)batch * M * N * sizeof(float);
    float *dA, *dB, *dC;
    hipMalloc((void**)&dA, abytes);
    hipMalloc((void**)&dB, bbytes);
    hipMalloc((void**)&dC, cbytes);
    hipMemcpy(dA, A, abytes, hipMemcpyHostToDevice);
    hipMemcpy(dB, B, bbytes, hipMemcpyHostToDevice);
    dim3 block(TILE, WAVE / TILE);
    dim3 grid(CEIL_DIV(N, TILE), CEIL_DIV(M, TILE), batch);
    hipLaunchKernelGGL(bmm_mfma_f32, grid, block, 0, 0, dA, dB, dC, M, N, K);
    hipMemcpy(C, dC, cbytes, hipMemcpyDeviceToHost);
    hipFree(dA);
    hipFree(dB);
    hipFree(dC);
}
