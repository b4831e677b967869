// Gated MLP (SwiGLU-style up projection): out = silu(x @ Wg) * (x @ Wu), x [M,K], Wg/Wu [K,N], out [M,N],
// row-major fp32. 16x16 output tile per 16x16 block; each K step stages one x tile and the matching
// tiles of both weight matrices in LDS, so the two GEMMs share every x load. silu(g) = g / (1 + exp(-g)).
// Tails in M, N and K are zero-padded on load and guarded on store.
#include <hip/hip_runtime.h>

#define TILE 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float silu(float g) { return g / (1.0f + expf(-g)); }

__global__ void __launch_bounds__(TILE * TILE)
gated_mlp_silu(const float* __restrict__ x, const float* __restrict__ Wg, const float* __restrict__ Wu,
               float* __restrict__ out, const int M, const int N, const int K) {
    __shared__ float Xs[TILE][TILE + 1];
    __shared__ float Gs[TILE][TILE];
    __shared__ float Us[TILE][TILE];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int row = blockIdx.y * TILE + ty;
    const int col = blockIdx.x * TILE + tx;

    float acc_g = 0.0f;
    float acc_u = 0.0f;
    for (int k0 = 0; k0 < K; k0 += TILE) {
        const int kx = k0 + tx;
        const int kw = k0 + ty;
        Xs[ty][tx] = (row < M && kx < K) ? x[(size_t)row * K + kx] : 0.0f;
        const bool w_ok = kw < K && col < N;
        Gs[ty][tx] = w_ok ? Wg[(size_t)kw * N + col] : 0.0f;
        Us[ty][tx] = w_ok ? Wu[(size_t)kw * N + col] : 0.0f;
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TILE; ++kk) {
            const float a = Xs[ty][kk];
            acc_g += a * Gs[kk][tx];
            acc_u += a * Us[kk][tx];
        }
        __syncthreads();
    }
    if (row < M && col < N) out[(size_t)row * N + col] = silu(acc_g) * acc_u;
}

extern "C" void gated_mlp_silu_kernel(const float* x, const float* Wg, const float* Wu, float* out,
                                      int M, int N, int K) {
    float *d_x, *d_g, *d_u, *d_out;
    hipMalloc((void**)&d_x, (size_t)M * K * sizeof(float));
    hipMalloc((void**)&d_g, (size_t)K * N * sizeof(float));
    hipMalloc((void**)&d_u, (size_t)K * N * sizeof(float));
    hipMalloc((void**)&d_out, (size_t)M * N * sizeof(float));
    hipMemcpy(d_x, x, (size_t)M * K * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_g, Wg, (size_t)K * N * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_u, Wu, (size_t)K * N * sizeof(float), hipMemcpyHostToDevice);
    dim3 block(TILE, TILE);
    dim3 grid(CEIL_DIV(N, TILE), CEIL_DIV(M, TILE));
    hipLaunchKernelGGL(gated_mlp_silu, grid, block, 0, 0, d_x, d_g, d_u, d_out, M, N, K);
    hipMemcpy(out, d_out, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_g);
    hipFree(d_u);
    hipFree(d_out);
}
