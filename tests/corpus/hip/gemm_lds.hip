// SGEMM C = alpha * A * B + beta * C, row-major A [M,K], B [K,N], C [M,N], 16x16 LDS tiles,
// one output element per thread of a 16x16 block. Tails in M, N and K are zero-padded on load
// and guarded on store.
#include <hip/hip_runtime.h>

#define TILE 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE * TILE)
sgemm_lds(const float* __restrict__ A, const float* __restrict__ B, float* __restrict__ C,
          const int M, const int N, const int K, const float alpha, const float beta) {
    __shared__ float As[TILE][TILE];
    __shared__ float Bs[TILE][TILE + 1];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int row = blockIdx.y * TILE + ty;
    const int col = blockIdx.x * TILE + tx;

    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        const int ka = k0 + tx;
        const int kb = k0 + ty;
        As[ty][tx] = (row < M && ka < K) ? A[(size_t)row * K + ka] : 0.0f;
        Bs[ty][tx] = (kb < K && col < N) ? B[(size_t)kb * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE; ++kk) acc += As[ty][kk] * Bs[kk][tx];
        __syncthreads();
    }
    if (row < M && col < N) {
        const size_t idx = (size_t)row * N + col;
        C[idx] = alpha * acc + beta * C[idx];
    }
}

extern "C" void sgemm_lds_kernel(const float* A, const float* B, float* C, int M, int N, int K,
                                 float alpha, float beta) {
    float *dA, *dB, *dC;
    hipMalloc((void**)&dA, (size_t)M * K * sizeof(float));
    hipMalloc((void**)&dB, (size_t)K * N * sizeof(float));
    hipMalloc((void**)&dC, (size_t)M * N * sizeof(float));
    hipMemcpy(dA, A, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(dB, B, (size_t)K * N * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(dC, C, (size_t)M * N * sizeof(float), hipMemcpyHostToDevice);
    dim3 block(TILE, TILE);
    dim3 grid(CEIL_DIV(N, TILE), CEIL_DIV(M, TILE));
    hipLaunchKernelGGL(sgemm_lds, grid, block, 0, 0, dA, dB, dC, M, N, K, alpha, beta);
    hipMemcpy(C, dC, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(dA);
    hipFree(dB);
    hipFree(dC);
}
