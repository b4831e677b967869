// RMSNorm with half (_Float16) activations and weight, fp32 accumulation:
// y = x * rsqrt(mean(x^2) + eps) * w. One wavefront per row, four rows per block, sum of squares
// reduced with __shfl_down from offset 32 and broadcast with __shfl.
#include <hip/hip_runtime.h>

#define BLOCK 256
#define WAVE 64
#define ROWS_PER_BLOCK (BLOCK / WAVE)
#define RMS_EPS 1e-6f
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

typedef _Float16 half_t;

__global__ void __launch_bounds__(BLOCK)
rmsnorm_f16(const half_t* __restrict__ x, const half_t* __restrict__ w, half_t* __restrict__ y,
            const int rows, const int hidden) {
    const int lane = threadIdx.x % WAVE;
    const int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / WAVE;
    if (row < rows) {  // uniform over the wavefront
        const half_t* __restrict__ xr = x + (size_t)row * hidden;
        half_t* __restrict__ yr = y + (size_t)row * hidden;
        float ss = 0.0f;
        for (int c = lane; c < hidden; c += WAVE) {
            const float v = (float)xr[c];
            ss += v * v;
        }
        for (int offset = WAVE / 2; offset > 0; offset >>= 1) ss += __shfl_down(ss, offset);
        ss = __shfl(ss, 0);
        const float scale = rsqrtf(ss / (float)hidden + RMS_EPS);
        for (int c = lane; c < hidden; c += WAVE)
            yr[c] = (half_t)((float)xr[c] * scale * (float)w[c]);
    }
}

extern "C" void rmsnorm_f16_kernel(const half_t* x, const half_t* w, half_t* y, int rows, int hidden) {
    const size_t bytes = (size_t)rows * hidden * sizeof(half_t);
    half_t *d_x, *d_w, *d_y;
    hipMalloc(&d_x, bytes);
    hipMalloc(&d_w, (size_t)hidden * sizeof(half_t));
    hipMalloc(&d_y, bytes);
    hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice);
    hipMemcpy(d_w, w, (size_t)hidden * sizeof(half_t), hipMemcpyHostToDevice);
    rmsnorm_f16<<<CEIL_DIV(rows, ROWS_PER_BLOCK), BLOCK>>>(d_x, d_w, d_y, rows, hidden);
    hipMemcpy(y, d_y, bytes, hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_w);
    hipFree(d_y);
}
