// 3x3 convolution, stride 1, padding 1, NCHW input [N, C, H, W], weight [K, C, 3, 3] (OIHW), bias [K],
// output [N, K, H, W]. 16x16 output tile per block; for each input channel the block stages the
// 18x18 halo tile in LDS (zeros outside the image), then each thread accumulates its 9 taps.
#include <hip/hip_runtime.h>

#define TILE 16
#define KSIZE 3
#define PAD 1
#define HALO (TILE + KSIZE - 1)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE * TILE)
conv2d_3x3_nchw(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ bias,
                float* __restrict__ y, const int C, const int H, const int W, const int K) {
    __shared__ float tile[HALO][HALO];
    const int tx = threadIdx.x;
    const int ty = threadIdx.y;
    const int tid = ty * TILE + tx;
    const int ox0 = blockIdx.x * TILE;
    const int oy0 = blockIdx.y * TILE;
    const int n = blockIdx.z / K;
    const int k = blockIdx.z % K;
    const int ox = ox0 + tx;
    const int oy = oy0 + ty;

    float acc = bias[k];
    for (int c = 0; c < C; ++c) {
        const float* __restrict__ xc = x + ((size_t)n * C + c) * H * W;
        for (int i = tid; i < HALO * HALO; i += TILE * TILE) {
            const int hy = i / HALO;
            const int hx = i % HALO;
            const int iy = oy0 - PAD + hy;
            const int ix = ox0 - PAD + hx;
            tile[hy][hx] = (iy >= 0 && iy < H && ix >= 0 && ix < W) ? xc[iy * W + ix] : 0.0f;
        }
        __syncthreads();
        const float* __restrict__ wk = w + ((size_t)k * C + c) * KSIZE * KSIZE;
#pragma unroll
        for (int r = 0; r < KSIZE; ++r)
#pragma unroll
            for (int s = 0; s < KSIZE; ++s) acc += wk[r * KSIZE + s] * tile[ty + r][tx + s];
        __syncthreads();
    }
    if (oy < H && ox < W) y[(((size_t)n * K + k) * H + oy) * W + ox] = acc;
}

extern "C" void conv2d_3x3_nchw_kernel(const float* x, const float* w, const float* bias, float* y,
                                       int N, int C, int H, int W, int K) {
    const size_t xbytes = (size_t)N * C * H * W * sizeof(float);
    const size_t wbytes = (size_t)K * C * KSIZE * KSIZE * sizeof(float);
    const size_t ybytes = (size_t)N * K * H * W * sizeof(float);
    float *dx, *dw, *db, *dy;
    hipMalloc((void**)&dx, xbytes);
    hipMalloc((void**)&dw, wbytes);
    hipMalloc((void**)&db, (size_t)K * sizeof(float));
    hipMalloc((void**)&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    hipMemcpy(dw, w, wbytes, hipMemcpyHostToDevice);
    hipMemcpy(db, bias, (size_t)K * sizeof(float), hipMemcpyHostToDevice);
    dim3 block(TILE, TILE);
    dim3 grid(CEIL_DIV(W, TILE), CEIL_DIV(H, TILE), N * K);
    hipLaunchKernelGGL(conv2d_3x3_nchw, grid, block, 0, 0, dx, dw, db, dy, C, H, W, K);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dw);
    hipFree(db);
    hipFree(dy);
}
