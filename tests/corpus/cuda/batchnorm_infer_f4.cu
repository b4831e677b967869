// Inference batch norm over NCHW: y = (x - mean[c]) * rsqrt(var[c] + eps) * gamma[c] + beta[c],
// folded into one scale/shift per channel. blockIdx.y walks the N*C planes; inside a plane the
// threads of blockIdx.x stride over float4 groups. A plane starts 16-byte aligned only when
// (plane * HW) % 4 == 0, so a scalar head reaches the next aligned element, the aligned middle is
// read and written as float4, and a scalar tail covers the last (HW - head) % 4 elements.
#include <cuda_runtime.h>

#define THREADS 128
#define MAX_BLOCKS_X 4
#define VEC 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(THREADS) batchnorm_infer_f4(
    const float* __restrict__ x, const float* __restrict__ gamma, const float* __restrict__ beta,
    const float* __restrict__ mean, const float* __restrict__ var, float* __restrict__ y, int C,
    int HW, float eps) {
  const int plane = blockIdx.y;
  const int c = plane % C;
  const float scale = __ldg(&gamma[c]) * rsqrtf(__ldg(&var[c]) + eps);
  const float shift = __ldg(&beta[c]) - __ldg(&mean[c]) * scale;

  const size_t base = (size_t)plane * HW;
  int head = (int)((VEC - (base & (VEC - 1))) & (VEC - 1));  // elements before 16-B alignment
  if (head > HW) head = HW;
  const int n4 = (HW - head) / VEC;
  const float4* __restrict__ x4 = reinterpret_cast<const float4*>(x + base + head);
  float4* __restrict__ y4 = reinterpret_cast<float4*>(y + base + head);

  const int gid = blockIdx.x * blockDim.x + threadIdx.x;
  const int stride = gridDim.x * blockDim.x;
  for (int i = gid; i < n4; i += stride) {
    const float4 v = x4[i];
    float4 r;
    r.x = v.x * scale + shift;
    r.y = v.y * scale + shift;
    r.z = v.z * scale + shift;
    r.w = v.w * scale + shift;
    y4[i] = r;
  }

  // scalar head [0, head) and tail [head + 4*n4, HW): fewer than 4 elements each
  if (gid < head) y[base + gid] = x[base + gid] * scale + shift;
  const int t = head + n4 * VEC + gid;
  if (gid < VEC && t < HW) y[base + t] = x[base + t] * scale + shift;
}

extern "C" void batchnorm_infer_f4_kernel(const float* x, const float* gamma, const float* beta,
                                          const float* mean, const float* var, float* y, int N,
                                          int C, int H, int W, float eps) {
  const int HW = H * W;
  const size_t bytes = (size_t)N * C * HW * sizeof(float);
  const size_t cbytes = (size_t)C * sizeof(float);
  float *d_x, *d_g, *d_b, *d_m, *d_v, *d_y;
  cudaMalloc((void**)&d_x, bytes);
  cudaMalloc((void**)&d_y, bytes);
  cudaMalloc((void**)&d_g, cbytes);
  cudaMalloc((void**)&d_b, cbytes);
  cudaMalloc((void**)&d_m, cbytes);
  cudaMalloc((void**)&d_v, cbytes);
  cudaMemcpy(d_x, x, bytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_g, gamma, cbytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_b, beta, cbytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_m, mean, cbytes, cudaMemcpyHostToDevice);
  cudaMemcpy(d_v, var, cbytes, cudaMemcpyHostToDevice);

  int bx = CEIL_DIV(HW / VEC, THREADS);
  if (bx > MAX_BLOCKS_X) bx = MAX_BLOCKS_X;
  if (bx < 1) bx = 1;
  dim3 grid(bx, N * C), block(THREADS);
  batchnorm_infer_f4<<<grid, block>>>(d_x, d_g, d_b, d_m, d_v, d_y, C, HW, eps);

  cudaMemcpy(y, d_y, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_x);
  cudaFree(d_y);
  cudaFree(d_g);
  cudaFree(d_b);
  cudaFree(d_m);
  cudaFree(d_v);
}
