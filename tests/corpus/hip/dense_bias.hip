// Dense (linear) layer y = x * W^T + b: x [M,K], W [N,K] (out-features x in-features, as stored by
// frameworks), b [N], y [M,N], fp32. 16x16 output tile per 16x16 block; both the x tile and the W tile
// are loaded along K (coalesced rows of each matrix) into LDS padded to 17 columns, so the transposed
// read Ws[tx][kk] hits distinct banks. Tails in M, N, K are zero-padded on load and guarded on store.
#include <hip/hip_runtime.h>

#define TILE 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE * TILE)
dense_bias(const float* __restrict__ x, const float* __restrict__ W, const float* __restrict__ b,
           float* __restrict__ y, const int M, const int N, const int K) {
    __shared__ float Xs[TILE][TILE + 1];
    __shared__ float Ws[TILE][TILE + 1];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int row0 = blockIdx.y * TILE;
    const int col0 = blockIdx.x * TILE;

    float acc = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        const int k = k0 + tx;
        Xs[ty][tx] = (row0 + ty < M && k < K) ? x[(size_t)(row0 + ty) * K + k] : 0.0f;
        Ws[ty][tx] = (col0 + ty < N && k < K) ? W[(size_t)(col0 + ty) * K + k] : 0.0f;  // Ws[n][k]
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE; ++kk) acc += Xs[ty][kk] * Ws[tx][kk];
        __syncthreads();
    }
    const int row = row0 + ty;
    const int col = col0 + tx;
    if (row < M && col < N) y[(size_t)row * N + col] = acc + b[col];
}

extern "C" void dense_bias_kernel(const float* x, const float* W, const float* b, float* y, int M, int N, int K) {
    float *d_x, *d_W, *d_b, *d_y;
    hipMalloc((void**)&d_x, (size_t)M * K * sizeof(float));
    hipMalloc((void**)&d_W, (size_t)N * K * sizeof(float));
    hipMalloc((void**)&d_b, (size_t)N * sizeof(float));
    hipMalloc((void**)&d_y, (size_t)M * N * sizeof(float));
    hipMemcpy(d_x, x, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_W, W, (size_t)N * K * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_b, b, (size_t)N * sizeof(float), hipMemcpyHostToDevice);
    dim3 block(TILE, TILE);
    dim3 grid(CEIL_DIV(N, TILE), CEIL_DIV(M, TILE));
    dense_bias<<<grid, block>>>(d_x, d_W, d_b, d_y, M, N, K);
    hipMemcpy(y, d_y, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_W);
    hipFree(d_b);
    hipFree(d_y);
}
