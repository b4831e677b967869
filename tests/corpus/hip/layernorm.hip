// LayerNorm over a fixed hidden size (HIDDEN = 200, not a multiple of the block): one 256-thread block
// per row, two-pass mean / variance with a block reduction (wavefront __shfl_down + LDS), then
// y = (x - mean) * rsqrt(var + eps) * gamma + beta.
#include <hip/hip_runtime.h>

#define BLOCK 256
#define WAVE 64
#define NUM_WAVES (BLOCK / WAVE)
#define HIDDEN 200
#define LN_EPS 1e-5f

__device__ __forceinline__ float block_sum(float v, float* red) {
    const int lane = threadIdx.x % WAVE;
    const int wid = threadIdx.x / WAVE;
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) v += __shfl_down(v, offset);
    if (lane == 0) red[wid] = v;
    __syncthreads();
    float total = 0.0f;
    for (int w = 0; w < NUM_WAVES; ++w) total += red[w];
    __syncthreads();  // red[] is reused by the next call
    return total;
}

__global__ void __launch_bounds__(BLOCK)
layernorm(const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
          float* __restrict__ y, const int rows) {
    __shared__ float red[NUM_WAVES];
    const int row = blockIdx.x;
    if (row >= rows) return;  // uniform over the block (one row per block)
    const float* __restrict__ xr = x + (size_t)row * HIDDEN;
    float* __restrict__ yr = y + (size_t)row * HIDDEN;

    float s = 0.0f;
    for (int c = threadIdx.x; c < HIDDEN; c += BLOCK) s += xr[c];
    const float mean = block_sum(s, red) * (1.0f / HIDDEN);

    float sq = 0.0f;
    for (int c = threadIdx.x; c < HIDDEN; c += BLOCK) {
        const float d = xr[c] - mean;
        sq += d * d;
    }
    const float var = block_sum(sq, red) * (1.0f / HIDDEN);
    const float rstd = rsqrtf(var + LN_EPS);

    for (int c = threadIdx.x; c < HIDDEN; c += BLOCK)
        yr[c] = (xr[c] - mean) * rstd * gamma[c] + beta[c];
}

extern "C" void layernorm_kernel(const float* x, const float* gamma, const float* beta, float* y, int rows) {
    const size_t bytes = (size_t)rows * HIDDEN * sizeof(float);
    float *d_x, *d_g, *d_b, *d_y;
    hipMalloc((void**)&d_x, bytes);
    hipMalloc((void**)&d_g, HIDDEN * sizeof(float));
    hipMalloc((void**)&d_b, HIDDEN * sizeof(float));
    hipMalloc((void**)&d_y, bytes);
    hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice);
    hipMemcpy(d_g, gamma, HIDDEN * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(d_b, beta, HIDDEN * sizeof(float), hipMemcpyHostToDevice);
    hipLaunchKernelGGL(layernorm, dim3(rows), dim3(BLOCK), 0, 0, d_x, d_g, d_b, d_y, rows);
    hipMemcpy(y, d_y, bytes, hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_g);
    hipFree(d_b);
    hipFree(d_y);
}
