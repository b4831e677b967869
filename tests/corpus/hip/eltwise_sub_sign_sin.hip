// Three elementwise kernels behind one host entry: d = a - b, s = sign(a) (-1, 0 or +1), t = sin(a).
// Each kernel moves float4 quads with a grid-stride loop over n / 4 and finishes the n % 4 tail with
// the first threads of the grid. Launched with hipLaunchKernelGGL (sub, sin) and <<<>>> (sign).
#include <hip/hip_runtime.h>

#define BLOCK 256
#define MAX_GRID 40
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float sign_of(float v) { return (float)((v > 0.0f) - (v < 0.0f)); }

__global__ void __launch_bounds__(BLOCK)
ew_sub(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ d, const int n) {
    const int gid = blockIdx.x * BLOCK + threadIdx.x;
    const int nvec = n / 4;
    const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
    const float4* __restrict__ b4 = reinterpret_cast<const float4*>(b);
    float4* __restrict__ d4 = reinterpret_cast<float4*>(d);
    for (int i = gid; i < nvec; i += BLOCK * gridDim.x) {
        const float4 x = a4[i];
        const float4 y = b4[i];
        d4[i] = make_float4(x.x - y.x, x.y - y.y, x.z - y.z, x.w - y.w);
    }
    const int t = nvec * 4 + gid;
    if (t < n) d[t] = a[t] - b[t];
}

__global__ void __launch_bounds__(BLOCK)
ew_sign(const float* __restrict__ a, float* __restrict__ s, const int n) {
    const int gid = blockIdx.x * BLOCK + threadIdx.x;
    const int nvec = n / 4;
    const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
    float4* __restrict__ s4 = reinterpret_cast<float4*>(s);
    for (int i = gid; i < nvec; i += BLOCK * gridDim.x) {
        const float4 x = a4[i];
        s4[i] = make_float4(sign_of(x.x), sign_of(x.y), sign_of(x.z), sign_of(x.w));
    }
    const int t = nvec * 4 + gid;
    if (t < n) s[t] = sign_of(a[t]);
}

__global__ void __launch_bounds__(BLOCK)
ew_sin(const float* __restrict__ a, float* __restrict__ o, const int n) {
    const int gid = blockIdx.x * BLOCK + threadIdx.x;
    const int nvec = n / 4;
    const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
    float4* __restrict__ o4 = reinterpret_cast<float4*>(o);
    for (int i = gid; i < nvec; i += BLOCK * gridDim.x) {
        const float4 x = a4[i];
        float4 r;
        r.x = sinf(x.x);
        r.y = sinf(x.y);
        r.z = sinf(x.z);
        r.w = sinf(x.w);
        o4[i] = r;
    }
    const int t = nvec * 4 + gid;
    if (t < n) o[t] = sinf(a[t]);
}

extern "C" void eltwise_sub_sign_sin_kernel(const float* a, const float* b, float* d, float* s, float* t, int n) {
    const size_t bytes = (size_t)n * sizeof(float);
    float *d_a, *d_b, *d_d, *d_s, *d_t;
    hipMalloc((void**)&d_a, bytes);
    hipMalloc((void**)&d_b, bytes);
    hipMalloc((void**)&d_d, bytes);
    hipMalloc((void**)&d_s, bytes);
    hipMalloc((void**)&d_t, bytes);
    hipMemcpy(d_a, a, bytes, hipMemcpyHostToDevice);
    hipMemcpy(d_b, b, bytes, hipMemcpyHostToDevice);
    int grid = CEIL_DIV(n / 4, BLOCK);
    if (grid > MAX_GRID) grid = MAX_GRID;
    if (grid < 1) grid = 1;
    hipLaunchKernelGGL(ew_sub, dim3(grid), dim3(BLOCK), 0, 0, d_a, d_b, d_d, n);
    ew_sign<<<grid, BLOCK>>>(d_a, d_s, n);
    hipLaunchKernelGGL(ew_sin, dim3(grid), dim3(BLOCK), 0, 0, d_a, d_t, n);
    hipMemcpy(d, d_d, bytes, hipMemcpyDeviceToHost);
    hipMemcpy(s, d_s, bytes, hipMemcpyDeviceToHost);
    hipMemcpy(t, d_t, bytes, hipMemcpyDeviceToHost);
    hipFree(d_a);
    hipFree(d_b);
    hipFree(d_d);
    hipFree(d_s);
    hipFree(d_t);
}
