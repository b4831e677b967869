// Batched matmul C[b] = A[b] @ B[b]; classic 16x16 shared-memory tiling, batch on grid.z.
#include <cuda_runtime.h>
#include <stdio.h>

#define TILE 16

#define CUDA_SAFE_CALL(call) {                                              \
    cudaError_t err = call;                                                 \
    if (cudaSuccess != err) {                                               \
        fprintf(stderr, "Cuda error in file '%s' in line %i : %s.\n",       \
                __FILE__, __LINE__, cudaGetErrorString(err));               \
    } }

__global__ void bmm_tiled_kernel(const float* A, const float* B, float* C, int M, int N, int K) {
    __shared__ float sA[TILE][TILE];
    __shared__ float sB[TILE][TILE];

    int b = blockIdx.z;
    int row = blockIdx.y * TILE + threadIdx.y;
    int col = blockIdx.x * TILE + threadIdx.x;
    const float* Ab = A + (size_t)b * M * K;
    const float* Bb = B + (size_t)b * K * N;

    float acc = 0.0f;
    for (int t = 0; t < (K + TILE - 1) / TILE; t++) {
        int ka = t * TILE + threadIdx.x;
        int kb = t * TILE + threadIdx.y;
        sA[threadIdx.y][threadIdx.x] = (row < M && ka < K) ? Ab[row * K + ka] : 0.0f;
        sB[threadIdx.y][threadIdx.x] = (kb < K && col < N) ? Bb[kb * N + col] : 0.0f;
        __syncthreads();
        for (int k = 0; k < TILE; k++)
            acc += sA[threadIdx.y][k] * sB[k][threadIdx.x];
        __syncthreads();
    }
    if (row < M && col < N)
        C[(size_t)b * M * N + row * N + col] = acc;
}

extern "C" void bmm(float* A, float* B, float* C, int batch, int M, int N, int K) {
    float *dA, *dB, *dC;
    CUDA_SAFE_CALL(cudaMalloc((void**)&dA, sizeof(float) * batch * M * K));
    CUDA_SAFE_CALL(cudaMalloc((void**)&dB, sizeof(float) * batch * K * N));
    CUDA_SAFE_CALL(cudaMalloc((void**)&dC, sizeof(float) * batch * M * N));
    CUDA_SAFE_CALL(cudaMemcpy(dA, A, sizeof(float) * batch * M * K, cudaMemcpyHostToDevice));
    CUDA_SAFE_CALL(cudaMemcpy(dB, B, sizeof(float) * batch * K * N, cudaMemcpyHostToDevice));

    dim3 block(TILE, TILE);
    dim3 grid((N + TILE - 1) / TILE, (M + TILE - 1) / TILE, batch);
    bmm_tiled_kernel<<<grid, block>>>(dA, dB, dC, M, N, K);

    CUDA_SAFE_CALL(cudaMemcpy(C, dC, sizeof(float) * batch * M * N, cudaMemcpyDeviceToHost));
    cudaFree(dA);
    cudaFree(dB);
    cudaFree(dC);
}
