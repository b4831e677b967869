// FP32 GEMM on CDNA matrix cores: C = A * B, row-major A [M,K], B [K,N], C [M,N].
// One 64-thread wavefront per 16x16 output tile, blockDim = (16, 4): lane = threadIdx.x + 16 * threadIdx.y.
// Each v_mfma_f32_16x16x4f32 step consumes a 16x4 slice of A and a 4x16 slice of B:
//   lane supplies a = A[row0 + tx][k0 + ty], b = B[k0 + ty][col0 + tx];
//   accumulator element r of lane holds C[row0 + 4 * ty + r][col0 + tx].
// Tails (M, N not multiples of 16, K not a multiple of 4) are zero-padded on load, guarded on store.
#include <hip/hip_runtime.h>

#define TILE_M 16
#define TILE_N 16
#define TILE_K 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

using float4_ = __attribute__((__vector_size__(4 * sizeof(float)))) float;

__global__ void __launch_bounds__(64)
sgemm_mfma_16x16x4(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
                   const int M, const int N, const int K) {
    const int tx = threadIdx.x;  // 0..15: row of A / column of B and C
    const int ty = threadIdx.y;  // 0..3:  k within the step / row group of C
    const int row0 = blockIdx.y * TILE_M;
    const int col0 = blockIdx.x * TILE_N;
    const int a_row = row0 + tx;
    const int b_col = col0 + tx;

    float4_ acc = {0};
    for (int k0 = 0; k0 < K; k0 += TILE_K) {
        const int k = k0 + ty;
        const float a = (a_row < M && k < K) ? A[(size_t)a_row * K + k] : 0.0f;
        const float b = (k < K && b_col < N) ? B[(size_t)k * N + b_col] : 0.0f;
        acc = __builtin_amdgcn_mfma_f32_16x16x4f32(a, b, acc, 0, 0, 0);
    }
#pragma unroll
    for (int r = 0; r < 4; ++r) {
        const int row = row0 + 4 * ty + r;
        if (row < M && b_col < N) C[(size_t)row * N + b_col] = acc[r];
    }
}

extern "C" void sgemm_mfma_16x16x4_kernel(const float* A, const float* B, float* C, int M, int N, int K) {
    float *dA, *dB, *dC;
    hipMalloc((void**)&dA, (size_t)M * K * sizeof(float));
    hipMalloc((void**)&dB, (size_t)K * N * sizeof(float));
    hipMalloc((void**)&dC, (size_t)M * N * sizeof(float));
    hipMemcpy(dA, A, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(dB, B, (size_t)K * N * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(dC, C, (size_t)M * N * sizeof(float), hipMemcpyHostToDevice);
    dim3 block(16, 4);
    dim3 grid(CEIL_DIV(N, TILE_N), CEIL_DIV(M, TILE_M));
    hipLaunchKernelGGL(sgemm_mfma_16x16x4, grid, block, 0, 0, dA, dB, dC, M, N, K);
    hipMemcpy(C, dC, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(dA);
    hipFree(dB);
    hipFree(dC);
}
