// 2-D pooling over NCHW, window 3x3, stride 2, padding 1: mode 0 = max, mode 1 = average over the
// in-image taps only (count_include_pad = false). 16x16 thread blocks over (wo, ho), grid.z = N*C planes.
#include <hip/hip_runtime.h>
#include <float.h>

#define POOL_K 3
#define POOL_S 2
#define POOL_P 1
#define BX 16
#define BY 16
#define POOL_MAX 0
#define POOL_AVG 1
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BX * BY)
pool2d_nchw(const float* __restrict__ x, float* __restrict__ y, const int H, const int W,
            const int HO, const int WO, const int mode) {
    const int ow = blockIdx.x * BX + threadIdx.x;
    const int oh = blockIdx.y * BY + threadIdx.y;
    const int plane = blockIdx.z;
    if (ow >= WO || oh >= HO) return;
    const float* __restrict__ xp = x + (size_t)plane * H * W;
    const int h0 = oh * POOL_S - POOL_P;
    const int w0 = ow * POOL_S - POOL_P;
    const int hs = max(h0, 0);
    const int ws = max(w0, 0);
    const int he = min(h0 + POOL_K, H);
    const int we = min(w0 + POOL_K, W);

    float mx = -FLT_MAX;
    float sum = 0.0f;
    for (int h = hs; h < he; ++h)
        for (int w = ws; w < we; ++w) {
            const float v = xp[h * W + w];
            mx = fmaxf(mx, v);
            sum += v;
        }
    const int count = (he - hs) * (we - ws);
    y[((size_t)plane * HO + oh) * WO + ow] = (mode == POOL_MAX) ? mx : sum / (float)count;
}

extern "C" void pool2d_nchw_kernel(const float* x, float* y, int N, int C, int H, int W, int mode) {
    const int HO = (H + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const int WO = (W + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const size_t xbytes = (size_t)N * C * H * W * sizeof(float);
    const size_t ybytes = (size_t)N * C * HO * WO * sizeof(float);
    float *dx, *dy;
    hipMalloc((void**)&dx, xbytes);
    hipMalloc((void**)&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    dim3 block(BX, BY);
    dim3 grid(CEIL_DIV(WO, BX), CEIL_DIV(HO, BY), N * C);
    hipLaunchKernelGGL(pool2d_nchw, grid, block, 0, 0, dx, dy, H, W, HO, WO, mode);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dy);
}
