#include <hip/hip_runtime.h>
#include <cstdio>

#define HIP_CHECK(x) do { if ((x) != hipSuccess) { printf("hip failure at line %d\n", __LINE__); return; } } while (0)

// torch.cat([a, b, c], dim=1) for NCHW tensors that share N, H, W.
__global__ void concat3_dim1(const float* __restrict__ a, const float* __restrict__ b,
                             const float* __restrict__ c, float* __restrict__ out,
                             int N, int Ca, int Cb, int Cc, int HW) {
  const int Ct = Ca + Cb + Cc;
  const int total = N * Ct * HW;
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += gridDim.x * blockDim.x) {
    int p = idx % HW;
    int ch = (idx / HW) % Ct;
    int n = idx / (HW * Ct);
    float v;
    if (ch < Ca)
      v = a[(n * Ca + ch) * HW + p];
    else if (ch < Ca + Cb)
      v = b[(n * Cb + (ch - Ca)) * HW + p];
    else
      v = c[(n * Cc + (ch - Ca - Cb)) * HW + p];
    out[idx] = v;
  }
}

extern "C" void concat_channels(float* a, float* b, float* c, float* out,
                                int N, int Ca, int Cb, int Cc, int H, int W) {
  const int HW = H * W;
  const size_t na = (size_t)N * Ca * HW, nb = (size_t)N * Cb * HW, nc = (size_t)N * Cc * HW;
  const size_t nout = na + nb + nc;
  float *da, *db, *dc, *dout;
  HIP_CHECK(hipMalloc(&da, na * sizeof(float)));
  HIP_CHECK(hipMalloc(&db, nb * sizeof(float)));
  HIP_CHECK(hipMalloc(&dc, nc * sizeof(float)));
  HIP_CHECK(hipMalloc(&dout, nout * sizeof(float)));
  HIP_CHECK(hipMemcpy(da, a, na * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(db, b, nb * sizeof(float), hipMemcpyHostToDevice));
  HIP_CHECK(hipMemcpy(dc, c, nc * sizeof(float), hipMemcpyHostToDevice));
  int threads = 256;
  int blocks = (int)((nout + threads - 1) / threads);
  if (blocks > 64) blocks = 64;
  hipLaunchKernelGGL(concat3_dim1, dim3(blocks), dim3(threads), 0, 0, da, db, dc, dout, N, Ca, Cb, Cc, HW);
  HIP_CHECK(hipMemcpy(out, dout, nout * sizeof(float), hipMemcpyDeviceToHost));
  hipFree(da); hipFree(db); hipFree(dc); hipFree(dout);
}
