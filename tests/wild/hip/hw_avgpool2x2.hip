#include <hip/hip_runtime.h>

// AvgPool2d(2, stride 2), floor mode, NCHW. One thread per output element.
extern "C" __global__ void avg_pool_2x2(const float* input, float* output,
                                        int nc, int in_h, int in_w) {
  const int out_h = in_h / 2;
  const int out_w = in_w / 2;
  const int ox = hipBlockIdx_x * hipBlockDim_x + hipThreadIdx_x;
  const int oy = hipBlockIdx_y * hipBlockDim_y + hipThreadIdx_y;
  const int p = hipBlockIdx_z;
  if (ox >= out_w || oy >= out_h || p >= nc) return;
  const float* src = input + ((size_t)p * in_h + 2 * oy) * in_w + 2 * ox;
  float s = src[0] + src[1] + src[in_w] + src[in_w + 1];
  output[((size_t)p * out_h + oy) * out_w + ox] = s * 0.25f;
}
