// Row softmax over the last axis of a [rows, cols] matrix: one 64-lane wavefront per row, four rows per
// 256-thread block. Max and sum are reduced with __shfl_down (offsets 32..1) and broadcast from lane 0
// with __shfl; rows beyond the end leave their whole wavefront idle (wave-uniform guard).
#include <hip/hip_runtime.h>
#include <float.h>

#define BLOCK 256
#define WAVE 64
#define ROWS_PER_BLOCK (BLOCK / WAVE)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
softmax_rows(const float* __restrict__ x, float* __restrict__ y, const int rows, const int cols) {
    const int lane = threadIdx.x % WAVE;
    const int row = blockIdx.x * ROWS_PER_BLOCK + threadIdx.x / WAVE;
    if (row >= rows) return;  // uniform over the wavefront
    const float* __restrict__ xr = x + (size_t)row * cols;
    float* __restrict__ yr = y + (size_t)row * cols;

    float mx = -FLT_MAX;
    for (int c = lane; c < cols; c += WAVE) mx = fmaxf(mx, xr[c]);
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) mx = fmaxf(mx, __shfl_down(mx, offset));
    mx = __shfl(mx, 0);

    float sum = 0.0f;
    for (int c = lane; c < cols; c += WAVE) sum += expf(xr[c] - mx);
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) sum += __shfl_down(sum, offset);
    const float inv = 1.0f / __shfl(sum, 0);

    for (int c = lane; c < cols; c += WAVE) yr[c] = expf(xr[c] - mx) * inv;
}

extern "C" void softmax_rows_kernel(const float* x, float* y, int rows, int cols) {
    const size_t bytes = (size_t)rows * cols * sizeof(float);
    float *d_x, *d_y;
    hipMalloc(&d_x, bytes);
    hipMalloc(&d_y, bytes);
    hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice);
    softmax_rows<<<dim3(CEIL_DIV(rows, ROWS_PER_BLOCK)), dim3(BLOCK)>>>(d_x, d_y, rows, cols);
    hipMemcpy(y, d_y, bytes, hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_y);
}
