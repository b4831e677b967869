// Per-row sum and max of a [rows, cols] matrix: one 256-thread block per row, strided per-thread
// partials, 64-lane wavefront reduction with __shfl_down from offset 32, per-wave partials in LDS,
// final reduction by wavefront 0.
#include <hip/hip_runtime.h>
#include <float.h>

#define BLOCK 256
#define WAVE 64
#define NUM_WAVES (BLOCK / WAVE)

__device__ __forceinline__ float wave_sum(float v) {
    for (int offset = WAVE / 2; offset > 0; offset >>= 1)
        v += __shfl_down(v, offset);
    return v;
}

__device__ __forceinline__ float wave_max(float v) {
    for (int offset = WAVE / 2; offset > 0; offset >>= 1)
        v = fmaxf(v, __shfl_down(v, offset));
    return v;
}

__global__ void __launch_bounds__(BLOCK)
row_sum_max(const float* __restrict__ x, float* __restrict__ row_sum, float* __restrict__ row_max,
            const int rows, const int cols) {
    __shared__ float s_sum[NUM_WAVES];
    __shared__ float s_max[NUM_WAVES];
    const int row = blockIdx.x;
    if (row >= rows) return;  // uniform over the block (one row per block)
    const int tid = threadIdx.x;
    const int lane = tid % WAVE;
    const int wid = tid / WAVE;
    const float* __restrict__ xr = x + (size_t)row * cols;

    float sum = 0.0f;
    float mx = -FLT_MAX;
    for (int c = tid; c < cols; c += BLOCK) {
        const float v = xr[c];
        sum += v;
        mx = fmaxf(mx, v);
    }
    sum = wave_sum(sum);
    mx = wave_max(mx);
    if (lane == 0) {
        s_sum[wid] = sum;
        s_max[wid] = mx;
    }
    __syncthreads();
    if (wid == 0) {
        sum = (lane < NUM_WAVES) ? s_sum[lane] : 0.0f;
        mx = (lane < NUM_WAVES) ? s_max[lane] : -FLT_MAX;
        sum = wave_sum(sum);
        mx = wave_max(mx);
        if (lane == 0) {
            row_sum[row] = sum;
            row_max[row] = mx;
        }
    }
}

extern "C" void row_sum_max_kernel(const float* x, float* row_sum, float* row_max, int rows, int cols) {
    float *d_x, *d_sum, *d_max;
    hipMalloc(&d_x, (size_t)rows * cols * sizeof(float));
    hipMalloc(&d_sum, (size_t)rows * sizeof(float));
    hipMalloc(&d_max, (size_t)rows * sizeof(float));
    hipMemcpy(d_x, x, (size_t)rows * cols * sizeof(float), hipMemcpyHostToDevice);
    row_sum_max<<<rows, BLOCK>>>(d_x, d_sum, d_max, rows, cols);
    hipMemcpy(row_sum, d_sum, (size_t)rows * sizeof(float), hipMemcpyDeviceToHost);
    hipMemcpy(row_max, d_max, (size_t)rows * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_sum);
    hipFree(d_max);
}
