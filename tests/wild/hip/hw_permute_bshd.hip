#include <hip/hip_runtime.h>

// [B, S, H, D] -> [B, H, S, D]  (split heads before attention), 2 floats per thread.
// Requires D even.
extern "C" __global__ void permute_bshd_to_bhsd(const float* __restrict__ src, float* __restrict__ dst,
                                                int B, int S, int H, int D) {
  const int D2 = D >> 1;
  const int total = B * S * H * D2;
  const float2* s2 = reinterpret_cast<const float2*>(src);
  float2* d2 = reinterpret_cast<float2*>(dst);
  for (int i = hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x; i < total; i += hipBlockDim_x * hipGridDim_x) {
    // i enumerates the source in order
    int d = i % D2;
    int h = (i / D2) % H;
    int s = (i / (D2 * H)) % S;
    int b = i / (D2 * H * S);
    d2[((b * H + h) * S + s) * D2 + d] = s2[i];
  }
}
