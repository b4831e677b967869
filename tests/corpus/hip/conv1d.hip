// Dilated 1-D convolution, NCL layout: y[b][co][t] = bias[co] + sum_{ci,k} w[co][ci][k] * x[b][ci][t - PAD + k*DIL]
// ("same" length: PAD = DIL * (KS - 1) / 2). Fixed CIN / KS / DIL; runtime batch, COUT and L.
// One block per (128-output tile, co, b): the input window [CIN][TILE + DIL*(KS-1)] (zero-padded at both
// ends of the sequence) and the filter of co are staged in LDS.
#include <hip/hip_runtime.h>

#define CIN 8
#define KS 5
#define DIL 2
#define PAD (DIL * (KS - 1) / 2)
#define TILE 128
#define SPAN (TILE + DIL * (KS - 1))
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE)
conv1d_ncl(const float* __restrict__ x, const float* __restrict__ w, const float* __restrict__ bias,
           float* __restrict__ y, const int cout, const int L) {
    __shared__ float xs[CIN][SPAN];
    __shared__ float ws[CIN][KS];
    const int tid = threadIdx.x;
    const int t0 = blockIdx.x * TILE;
    const int co = blockIdx.y;
    const int b = blockIdx.z;
    const float* __restrict__ xb = x + (size_t)b * CIN * L;

    for (int i = tid; i < CIN * SPAN; i += TILE) {
        const int ci = i / SPAN;
        const int p = i % SPAN;
        const int gx = t0 - PAD + p;
        xs[ci][p] = (gx >= 0 && gx < L) ? xb[(size_t)ci * L + gx] : 0.0f;
    }
    for (int i = tid; i < CIN * KS; i += TILE) ws[i / KS][i % KS] = w[(size_t)co * CIN * KS + i];
    __syncthreads();

    const int t = t0 + tid;
    if (t < L) {
        float acc = bias[co];
#pragma unroll
        for (int ci = 0; ci < CIN; ++ci)
#pragma unroll
            for (int k = 0; k < KS; ++k) acc += ws[ci][k] * xs[ci][tid + k * DIL];
        y[((size_t)b * cout + co) * L + t] = acc;
    }
}

extern "C" void conv1d_ncl_kernel(const float* x, const float* w, const float* bias, float* y,
                                  int batch, int cout, int L) {
    const size_t xbytes = (size_t)batch * CIN * L * sizeof(float);
    const size_t wbytes = (size_t)cout * CIN * KS * sizeof(float);
    const size_t ybytes = (size_t)batch * cout * L * sizeof(float);
    float *dx, *dw, *db, *dy;
    hipMalloc(&dx, xbytes);
    hipMalloc(&dw, wbytes);
    hipMalloc(&db, (size_t)cout * sizeof(float));
    hipMalloc(&dy, ybytes);
    hipMemcpy(dx, x, xbytes, hipMemcpyHostToDevice);
    hipMemcpy(dw, w, wbytes, hipMemcpyHostToDevice);
    hipMemcpy(db, bias, (size_t)cout * sizeof(float), hipMemcpyHostToDevice);
    dim3 grid(CEIL_DIV(L, TILE), cout, batch);
    conv1d_ncl<<<grid, dim3(TILE)>>>(dx, dw, db, dy, cout, L);
    hipMemcpy(y, dy, ybytes, hipMemcpyDeviceToHost);
    hipFree(dx);
    hipFree(dw);
    hipFree(db);
    hipFree(dy);
}
