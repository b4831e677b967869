// Row reductions of a [rows, cols] matrix: mean[r] = sum(x[r, :]) / cols and mn[r] = min(x[r, :]).
// One 64-lane wavefront per row, four rows per block. When cols % 4 == 0 (rows 16-byte aligned) each lane
// walks its row in float4 quads, otherwise element by element; the sum and min partials are then
// reduced together with __shfl_down from offset 32 and lane 0 stores both.
#include <hip/hip_runtime.h>
#include <float.h>

#define BLOCK 256
#define WAVE 64
#define ROWS_PER_BLOCK (BLOCK / WAVE)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
row_mean_min(const float* __restrict__ x, float* __restrict__ mean, float* __restrict__ mn, const int rows,
             const int cols) {
    const int lane = threadIdx.x % WAVE;
    const int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / WAVE;
    if (row >= rows) return;  // uniform over the wavefront
    const float* __restrict__ xr = x + (size_t)row * cols;
    float s = 0.0f;
    float m = FLT_MAX;
    if (cols % 4 == 0) {
        const float4* __restrict__ x4 = reinterpret_cast<const float4*>(xr);
        for (int c = lane; c < cols / 4; c += WAVE) {
            const float4 v = x4[c];
            s += (v.x + v.y) + (v.z + v.w);
            m = fminf(m, fminf(fminf(v.x, v.y), fminf(v.z, v.w)));
        }
    } else {
        for (int c = lane; c < cols; c += WAVE) {
            const float v = xr[c];
            s += v;
            m = fminf(m, v);
        }
    }
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) {
        s += __shfl_down(s, offset);
        m = fminf(m, __shfl_down(m, offset));
    }
    if (lane == 0) {
        mean[row] = s / (float)cols;
        mn[row] = m;
    }
}

extern "C" void row_mean_min_kernel(const float* x, float* mean, float* mn, int rows, int cols) {
    float *d_x, *d_mean, *d_mn;
    hipMalloc((void**)&d_x, (size_t)rows * cols * sizeof(float));
    hipMalloc((void**)&d_mean, (size_t)rows * sizeof(float));
    hipMalloc((void**)&d_mn, (size_t)rows * sizeof(float));
    hipMemcpy(d_x, x, (size_t)rows * cols * sizeof(float), hipMemcpyHostToDevice);
    row_mean_min<<<CEIL_DIV(rows, ROWS_PER_BLOCK), BLOCK>>>(d_x, d_mean, d_mn, rows, cols);
    hipMemcpy(mean, d_mean, (size_t)rows * sizeof(float), hipMemcpyDeviceToHost);
    hipMemcpy(mn, d_mn, (size_t)rows * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_mean);
    hipFree(d_mn);
}
