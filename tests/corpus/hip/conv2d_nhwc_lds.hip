// Direct 2-D convolution, NHWC activations and HWIO filter: y[n, oh, ow, co] =
//   sum_{kh, kw, ci} x[n, oh*stride - pad + kh, ow*stride - pad + kw, ci] * w[kh, kw, ci, co]
// with zero padding; KSIZE = 3, CIN = 8, COUT = 16 fixed, stride and pad at run time.
// Block = (COUT, PIX) = 256 threads: threadIdx.x is the output channel (so the 16 lanes of a pixel
// read the same input value and consecutive filter values), threadIdx.y one of PIX output pixels.
// The whole filter (3*3*8*16 floats = 4.5 KiB) is staged in LDS once per block.
#include <hip/hip_runtime.h>

#define KSIZE 3
#define CIN 8
#define COUT 16
#define PIX 16
#define BLOCK (COUT * PIX)
#define FILTER_SIZE (KSIZE * KSIZE * CIN * COUT)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
conv2d_nhwc(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y, const int H,
            const int W, const int HO, const int WO, const int stride, const int pad) {
    __shared__ float ws[FILTER_SIZE];
    const int co = threadIdx.x;
    const int tid = threadIdx.y * COUT + co;
    for (int i = tid; i < FILTER_SIZE; i += BLOCK) ws[i] = w[i];
    __syncthreads();

    const int n = blockIdx.y;
    const int p = blockIdx.x * PIX + threadIdx.y;
    if (p >= HO * WO) return;
    const int oh = p / WO;
    const int ow = p % WO;
    const float* __restrict__ xn = x + (size_t)n * H * W * CIN;
    float acc = 0.0f;
    for (int kh = 0; kh < KSIZE; ++kh) {
        const int ih = oh * stride - pad + kh;
        if (ih < 0 || ih >= H) continue;
        for (int kw = 0; kw < KSIZE; ++kw) {
            const int iw = ow * stride - pad + kw;
            if (iw < 0 || iw >= W) continue;
            const float* __restrict__ xp = xn + ((size_t)ih * W + iw) * CIN;
            const float* wp = ws + (kh * KSIZE + kw) * CIN * COUT + co;
#pragma unroll
            for (int ci = 0; ci < CIN; ++ci) acc += xp[ci] * wp[ci * COUT];
        }
    }
    y[((size_t)n * HO * WO + p) * COUT + co] = acc;
}

extern "C" void conv2d_nhwc_kernel(const float* x, const float* w, float* y, int N, int H, int W, int stride,
                                   int pad) {
    const int HO = (H + 2 * pad - KSIZE) / stride + 1;
    const int WO = (W + 2 * pad - KSIZE) / stride + 1;
    const size_t xbytes = (size_t)N * H * W * CIN * sizeof(float);
    const size_t wbytes = (size_t)FILTER_SIZE * sizeof(float);
    const size_t ybytes = (size_t)N * HO * WO * COUT * sizeof(float);
    float *dx, *dw, *dy;
    hipMalloc((void**)&dx, xbytes);
    hipMalloc((void**)&dw, wbytes);
    hipMalloc((void**)&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    hipMemcpy(dw, w, wbytes, hipMemcpyHostToDevice);
    dim3 block(COUT, PIX);
    dim3 grid(CEIL_DIV(HO * WO, PIX), N);
    hipLaunchKernelGGL(conv2d_nhwc, grid, block, 0, 0, dx, dw, dy, H, W, HO, WO, stride, pad);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dw);
    hipFree(dy);
}
