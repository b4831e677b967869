// Inference batch norm over an NHWC (channels-last) tensor with CHANNELS = 40 fixed:
// y = (x - mean[c]) * rsqrt(var[c] + eps) * gamma[c] + beta[c]. Each block folds the per-channel
// parameters into scale/shift once, keeps them in LDS, then walks the tensor as float4 quads
// (CHANNELS % 4 == 0, so a quad never straddles two pixels) with a grid-stride loop.
#include <hip/hip_runtime.h>

#define CHANNELS 40
#define QUADS_PER_PIXEL (CHANNELS / 4)
#define BN_EPS 1e-5f
#define BLOCK 256
#define MAX_GRID 32
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

static_assert(CHANNELS % 4 == 0, "float4 quads must not straddle pixels");

__global__ void __launch_bounds__(BLOCK)
batchnorm_nhwc(const float* __restrict__ x, const float* __restrict__ mean, const float* __restrict__ var,
               const float* __restrict__ gamma, const float* __restrict__ beta, float* __restrict__ y,
               const int pixels) {
    __shared__ float s_scale[CHANNELS];
    __shared__ float s_shift[CHANNELS];
    for (int c = threadIdx.x; c < CHANNELS; c += BLOCK) {
        const float sc = gamma[c] * rsqrtf(var[c] + BN_EPS);
        s_scale[c] = sc;
        s_shift[c] = beta[c] - mean[c] * sc;
    }
    __syncthreads();

    const int nquads = pixels * QUADS_PER_PIXEL;
    const float4* __restrict__ x4 = reinterpret_cast<const float4*>(x);
    float4* __restrict__ y4 = reinterpret_cast<float4*>(y);
    for (int q = blockIdx.x * BLOCK + threadIdx.x; q < nquads; q += BLOCK * gridDim.x) {
        const int c = (q % QUADS_PER_PIXEL) * 4;
        const float4 v = x4[q];
        float4 r;
        r.x = v.x * s_scale[c + 0] + s_shift[c + 0];
        r.y = v.y * s_scale[c + 1] + s_shift[c + 1];
        r.z = v.z * s_scale[c + 2] + s_shift[c + 2];
        r.w = v.w * s_scale[c + 3] + s_shift[c + 3];
        y4[q] = r;
    }
}

extern "C" void batchnorm_nhwc_kernel(const float* x, const float* mean, const float* var, const float* gamma,
                                      const float* beta, float* y, int N, int H, int W) {
    const int pixels = N * H * W;
    const size_t bytes = (size_t)pixels * CHANNELS * sizeof(float);
    const size_t pbytes = CHANNELS * sizeof(float);
    float *d_x, *d_mean, *d_var, *d_gamma, *d_beta, *d_y;
    hipMalloc((void**)&d_x, bytes);
    hipMalloc((void**)&d_mean, pbytes);
    hipMalloc((void**)&d_var, pbytes);
    hipMalloc((void**)&d_gamma, pbytes);
    hipMalloc((void**)&d_beta, pbytes);
    hipMalloc((void**)&d_y, bytes);
    hipMemcpy(d_x, x, bytes, hipMemcpyHostToDevice);
    hipMemcpy(d_mean, mean, pbytes, hipMemcpyHostToDevice);
    hipMemcpy(d_var, var, pbytes, hipMemcpyHostToDevice);
    hipMemcpy(d_gamma, gamma, pbytes, hipMemcpyHostToDevice);
    hipMemcpy(d_beta, beta, pbytes, hipMemcpyHostToDevice);
    int grid = CEIL_DIV(pixels * QUADS_PER_PIXEL, BLOCK);
    if (grid > MAX_GRID) grid = MAX_GRID;
    hipLaunchKernelGGL(batchnorm_nhwc, dim3(grid), dim3(BLOCK), 0, 0, d_x, d_mean, d_var, d_gamma, d_beta, d_y,
                       pixels);
    hipMemcpy(y, d_y, bytes, hipMemcpyDeviceToHost);
    hipFree(d_x);
    hipFree(d_mean);
    hipFree(d_var);
    hipFree(d_gamma);
    hipFree(d_beta);
    hipFree(d_y);
}
