// GEMV y = A * x, A [M, N] row-major. Block of 256 threads = 4 wavefronts, one row per wavefront.
// The block stages x through LDS in chunks of 256 (zero-padded past N); every thread takes part in
// the staging and barriers, only waves with a valid row accumulate. Row sums: __shfl_down from 32.
#include <hip/hip_runtime.h>

#define BLOCK 256
#define WAVE 64
#define ROWS_PER_BLOCK (BLOCK / WAVE)
#define CHUNK BLOCK
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
gemv_rows(const float* __restrict__ A, const float* __restrict__ x, float* __restrict__ y,
          const int M, const int N) {
    __shared__ float xs[CHUNK];
    const int tid = threadIdx.x;
    const int lane = tid % WAVE;
    const int row = blockIdx.x * ROWS_PER_BLOCK + tid / WAVE;
    const bool active = row < M;
    const float* __restrict__ Ar = A + (size_t)(active ? row : 0) * N;

    float acc = 0.0f;
    for (int c0 = 0; c0 < N; c0 += CHUNK) {
        xs[tid] = (c0 + tid < N) ? x[c0 + tid] : 0.0f;
        __syncthreads();
        if (active) {
            for (int c = lane; c < CHUNK && c0 + c < N; c += WAVE) acc += Ar[c0 + c] * xs[c];
        }
        __syncthreads();
    }
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) acc += __shfl_down(acc, offset);
    if (active && lane == 0) y[row] = acc;
}

extern "C" void gemv_rows_kernel(const float* A, const float* x, float* y, int M, int N) {
    float *dA, *dx, *dy;
    hipMalloc((void**)&dA, (size_t)M * N * sizeof(float));
    hipMalloc((void**)&dx, (size_t)N * sizeof(float));
    hipMalloc((void**)&dy, (size_t)M * sizeof(float));
    hipMemcpy(dA, A, (size_t)M * N * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(dx, x, (size_t)N * sizeof(float), hipMemcpyHostToDevice);
    hipLaunchKernelGGL(gemv_rows, dim3(CEIL_DIV(M, ROWS_PER_BLOCK)), dim3(BLOCK), 0, 0, dA, dx, dy, M, N);
    hipMemcpy(y, dy, (size_t)M * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(dA);
    hipFree(dx);
    hipFree(dy);
}
