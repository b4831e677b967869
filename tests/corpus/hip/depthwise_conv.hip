// Depthwise 3x3 convolution, stride 2, padding 1, NHWC: x [N, H, W, C], w [3, 3, C] (HWC), bias [C],
// y [N, HO, WO, C] with HO = (H + 2*PAD - KH) / STRIDE + 1. One thread per output element, channel
// fastest so that consecutive lanes read consecutive channels.
#include <hip/hip_runtime.h>

#define KH 3
#define KW 3
#define STRIDE 2
#define PAD 1
#define BLOCK 256
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
dwconv3x3_s2_nhwc(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ bias,
                  float* __restrict__ y, const int N, const int H, const int W, const int C,
                  const int HO, const int WO) {
    const int idx = blockIdx.x * BLOCK + threadIdx.x;
    const int total = N * HO * WO * C;
    if (idx >= total) return;
    const int c = idx % C;
    const int ow = (idx / C) % WO;
    const int oh = (idx / (C * WO)) % HO;
    const int n = idx / (C * WO * HO);

    float acc = bias[c];
    const int ih0 = oh * STRIDE - PAD;
    const int iw0 = ow * STRIDE - PAD;
#pragma unroll
    for (int r = 0; r < KH; ++r) {
        const int ih = ih0 + r;
        if (ih < 0 || ih >= H) continue;
#pragma unroll
        for (int s = 0; s < KW; ++s) {
            const int iw = iw0 + s;
            if (iw < 0 || iw >= W) continue;
            acc += x[(((size_t)n * H + ih) * W + iw) * C + c] * w[(r * KW + s) * C + c];
        }
    }
    y[idx] = acc;
}

extern "C" void dwconv3x3_s2_nhwc_kernel(const float* x, const float* w, const float* bias, float* y,
                                         int N, int H, int W, int C) {
    const int HO = (H + 2 * PAD - KH) / STRIDE + 1;
    const int WO = (W + 2 * PAD - KW) / STRIDE + 1;
    const size_t xbytes = (size_t)N * H * W * C * sizeof(float);
    const size_t ybytes = (size_t)N * HO * WO * C * sizeof(float);
    float *dx, *dw, *db, *dy;
    hipMalloc(&dx, xbytes);
    hipMalloc(&dw, (size_t)KH * KW * C * sizeof(float));
    hipMalloc(&db, (size_t)C * sizeof(float));
    hipMalloc(&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    hipMemcpy(dw, w, (size_t)KH * KW * C * sizeof(float), hipMemcpyHostToDevice);
    hipMemcpy(db, bias, (size_t)C * sizeof(float), hipMemcpyHostToDevice);
    const int total = N * HO * WO * C;
    dwconv3x3_s2_nhwc<<<CEIL_DIV(total, BLOCK), BLOCK>>>(dx, dw, db, dy, N, H, W, C, HO, WO);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dw);
    hipFree(db);
    hipFree(dy);
}
