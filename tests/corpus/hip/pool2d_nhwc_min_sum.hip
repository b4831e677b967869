// 2-D min / sum pooling over NHWC, window 3x3, stride 2, padding 1 (padded taps are skipped: min over
// the in-image taps, sum of the in-image taps). CHANNELS = 24 fixed, moved as float4 quads: one thread
// per (output pixel, channel quad), consecutive threads on consecutive quads of a pixel, so a wavefront
// reads contiguous 16-byte chunks. mode 0 = min, 1 = sum.
#include <hip/hip_runtime.h>
#include <float.h>

#define POOL_K 3
#define POOL_S 2
#define POOL_P 1
#define CHANNELS 24
#define QUADS (CHANNELS / 4)
#define BLOCK 256
#define POOL_MIN 0
#define POOL_SUM 1
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
pool2d_nhwc(const float* __restrict__ x, float* __restrict__ y, const int N, const int H, const int W,
            const int HO, const int WO, const int mode) {
    const int gid = blockIdx.x * BLOCK + threadIdx.x;
    if (gid >= N * HO * WO * QUADS) return;
    const int cq = gid % QUADS;
    const int pix = gid / QUADS;
    const int ow = pix % WO;
    const int oh = (pix / WO) % HO;
    const int n = pix / (WO * HO);
    const float4* __restrict__ x4 = reinterpret_cast<const float4*>(x) + (size_t)n * H * W * QUADS + cq;
    const int h0 = oh * POOL_S - POOL_P;
    const int w0 = ow * POOL_S - POOL_P;
    const bool take_min = mode == POOL_MIN;
    const float init = take_min ? FLT_MAX : 0.0f;
    float4 r = make_float4(init, init, init, init);
    for (int h = max(h0, 0); h < min(h0 + POOL_K, H); ++h)
        for (int w = max(w0, 0); w < min(w0 + POOL_K, W); ++w) {
            const float4 v = x4[((size_t)h * W + w) * QUADS];
            if (take_min) {
                r.x = fminf(r.x, v.x); r.y = fminf(r.y, v.y); r.z = fminf(r.z, v.z); r.w = fminf(r.w, v.w);
            } else {
                r.x += v.x; r.y += v.y; r.z += v.z; r.w += v.w;
            }
        }
    reinterpret_cast<float4*>(y)[gid] = r;
}

extern "C" void pool2d_nhwc_kernel(const float* x, float* y, int N, int H, int W, int mode) {
    const int HO = (H + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const int WO = (W + 2 * POOL_P - POOL_K) / POOL_S + 1;
    const size_t xbytes = (size_t)N * H * W * CHANNELS * sizeof(float);
    const size_t ybytes = (size_t)N * HO * WO * CHANNELS * sizeof(float);
    float *dx, *dy;
    hipMalloc((void**)&dx, xbytes);
    hipMalloc((void**)&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    const int threads = N * HO * WO * QUADS;
    hipLaunchKernelGGL(pool2d_nhwc, dim3(CEIL_DIV(threads, BLOCK)), dim3(BLOCK), 0, 0, dx, dy, N, H, W, HO, WO,
                       mode);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dy);
}
