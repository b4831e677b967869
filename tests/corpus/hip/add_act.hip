// Fused elementwise add + activation: out = act(a + b), act 0 = identity, 1 = ReLU, 2 = GELU (erf form).
// Vectorised float4 body over n/4 quads, scalar tail for the last n%4 elements; legacy hip* index macros,
// grid-stride loops, hipLaunchKernelGGL.
#include <hip/hip_runtime.h>

#define BLOCK 256
#define MAX_GRID 64
#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_GELU 2
#define INV_SQRT2 0.70710678118654752f
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__device__ __forceinline__ float apply_act(float v, const int act) {
    if (act == ACT_RELU) return fmaxf(v, 0.0f);
    if (act == ACT_GELU) return 0.5f * v * (1.0f + erff(v * INV_SQRT2));
    return v;
}

__global__ void __launch_bounds__(BLOCK)
add_act(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ out,
        const int n, const int act) {
    const int stride = hipBlockDim_x * hipGridDim_x;
    const int nvec = n / 4;
    const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
    const float4* __restrict__ b4 = reinterpret_cast<const float4*>(b);
    float4* __restrict__ o4 = reinterpret_cast<float4*>(out);
    for (int i = hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x; i < nvec; i += stride) {
        const float4 x = a4[i];
        const float4 y = b4[i];
        float4 r;
        r.x = apply_act(x.x + y.x, act);
        r.y = apply_act(x.y + y.y, act);
        r.z = apply_act(x.z + y.z, act);
        r.w = apply_act(x.w + y.w, act);
        o4[i] = r;
    }
    // tail: the last n % 4 elements, one per thread of the first block
    const int t = nvec * 4 + hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x;
    if (t < n) out[t] = apply_act(a[t] + b[t], act);
}

extern "C" void add_act_kernel(const float* a, const float* b, float* out, int n, int act) {
    const size_t bytes = (size_t)n * sizeof(float);
    float *d_a, *d_b, *d_out;
    hipMalloc((void**)&d_a, bytes);
    hipMalloc((void**)&d_b, bytes);
    hipMalloc((void**)&d_out, bytes);
    hipMemcpy(d_a, a, bytes, hipMemcpyHostToDevice);
    hipMemcpy(d_b, b, bytes, hipMemcpyHostToDevice);
    int grid = CEIL_DIV(n / 4, BLOCK);
    if (grid > MAX_GRID) grid = MAX_GRID;
    if (grid < 1) grid = 1;
    hipLaunchKernelGGL(add_act, dim3(grid), dim3(BLOCK), 0, 0, d_a, d_b, d_out, n, act);
    hipMemcpy(out, d_out, bytes, hipMemcpyDeviceToHost);
    hipFree(d_a);
    hipFree(d_b);
    hipFree(d_out);
}
