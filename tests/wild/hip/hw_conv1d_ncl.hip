#include <hip/hip_runtime.h>

// Conv1d (PyTorch layout) for one fixed layer: in [2, 16, 200], weight [24, 16, 5], pad 2, stride 1.
// blockIdx.y picks the output channel; its 16x5 filter is staged in LDS.
static const int BATCH = 2;
static const int CIN = 16;
static const int LEN = 200;
static const int COUT = 24;
static const int KW = 5;
static const int PADDING = 2;
static const int LOUT = LEN + 2 * PADDING - KW + 1;

__global__ void conv1d_fwd(const float* __restrict__ x, const float* __restrict__ w,
                           const float* __restrict__ b, float* __restrict__ y) {
  __shared__ float wsh[CIN * KW];
  const int oc = blockIdx.y;
  for (int i = threadIdx.x; i < CIN * KW; i += blockDim.x) wsh[i] = w[oc * CIN * KW + i];
  __syncthreads();

  const int pos = blockIdx.x * blockDim.x + threadIdx.x;   // over BATCH * LOUT
  if (pos >= BATCH * LOUT) return;
  const int n = pos / LOUT, l = pos % LOUT;
  float acc = b[oc];
  for (int ic = 0; ic < CIN; ++ic) {
    const float* xr = x + (n * CIN + ic) * LEN;
#pragma unroll
    for (int k = 0; k < KW; ++k) {
      int il = l - PADDING + k;
      if (il >= 0 && il < LEN) acc += xr[il] * wsh[ic * KW + k];
    }
  }
  y[(n * COUT + oc) * LOUT + l] = acc;
}

extern "C" void conv1d(float* x, float* w, float* b, float* y) {
  float *dx, *dw, *db, *dy;
  hipMalloc(&dx, sizeof(float) * BATCH * CIN * LEN);
  hipMalloc(&dw, sizeof(float) * COUT * CIN * KW);
  hipMalloc(&db, sizeof(float) * COUT);
  hipMalloc(&dy, sizeof(float) * BATCH * COUT * LOUT);
  hipMemcpy(dx, x, sizeof(float) * BATCH * CIN * LEN, hipMemcpyHostToDevice);
  hipMemcpy(dw, w, sizeof(float) * COUT * CIN * KW, hipMemcpyHostToDevice);
  hipMemcpy(db, b, sizeof(float) * COUT, hipMemcpyHostToDevice);
  dim3 grid((BATCH * LOUT + 127) / 128, COUT);
  hipLaunchKernelGGL(conv1d_fwd, grid, dim3(128), 0, 0, dx, dw, db, dy);
  hipDeviceSynchronize();
  hipMemcpy(y, dy, sizeof(float) * BATCH * COUT * LOUT, hipMemcpyDeviceToHost);
  hipFree(dx); hipFree(dw); hipFree(db); hipFree(dy);
}
