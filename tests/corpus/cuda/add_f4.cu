// Elementwise add c = a + b, float4 vectorized grid-stride loop with a scalar tail.
#include <cuda_runtime.h>

#define THREADS 256
#define MAX_BLOCKS 8
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) add_f4(const float* __restrict__ a,
                                                  const float* __restrict__ b,
                                                  float* __restrict__ c, int n) {
  const int n4 = n >> 2;  // number of whole float4 groups
  const float4* __restrict__ a4 = reinterpret_cast<const float4*>(a);
  const float4* __restrict__ b4 = reinterpret_cast<const float4*>(b);
  float4* __restrict__ c4 = reinterpret_cast<float4*>(c);
  const int gid = blockIdx.x * blockDim.x + threadIdx.x;
  const int stride = gridDim.x * blockDim.x;

  for (int i = gid; i < n4; i += stride) {
    const float4 va = a4[i];
    const float4 vb = b4[i];
    float4 vc;
    vc.x = va.x + vb.x;
    vc.y = va.y + vb.y;
    vc.z = va.z + vb.z;
    vc.w = va.w + vb.w;
    c4[i] = vc;
  }

  // scalar tail: the last n % 4 elements
  const int t = (n4 << 2) + gid;
  if (t < n) {
    c[t] = a[t] + b[t];
  }
}

extern "C" void add_f4_kernel(const float* a, const float* b, float* c, int n) {
  float *d_a, *d_b, *d_c;
  const size_t bytes = (size_t)n * sizeof(float);
  cudaMalloc((void**)&d_a, bytes);
  cudaMalloc((void**)&d_b, bytes);
  cudaMalloc((void**)&d_c, bytes);
  cudaMemcpy(d_a, a, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, b, bytes, cudaMemcpyHostToDevice);

  int blocks = CEIL_DIV(n >> 2, THREADS);
  if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
  if (blocks < 1) blocks = 1;
  dim3 grid(blocks), block(THREADS);
  add_f4<<<grid, block>>>(d_a, d_b, d_c, n);

  cudaMemcpy(c, d_c, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_a);
  cudaFree(d_b);
  cudaFree(d_c);
}
