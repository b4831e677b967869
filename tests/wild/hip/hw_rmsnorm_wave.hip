#include <hip/hip_runtime.h>

// RMSNorm, one wavefront (64 lanes) per row, no LDS: the sum of squares is reduced with
// cross-lane shuffles over the full wave.
extern "C" __global__ void __launch_bounds__(64)
rms_norm_f32(float* __restrict__ out, const float* __restrict__ inp,
             const float* __restrict__ weight, int num_tokens, int hidden_size, float epsilon) {
  const int token = blockIdx.x;
  if (token >= num_tokens) return;
  const float* x = inp + (size_t)token * hidden_size;
  float* y = out + (size_t)token * hidden_size;

  float variance = 0.0f;
  for (int i = threadIdx.x; i < hidden_size; i += warpSize) {
    const float v = x[i];
    variance += v * v;
  }
#pragma unroll
  for (int mask = 32; mask > 0; mask >>= 1) variance += __shfl_xor(variance, mask, 64);

  const float scale = rsqrtf(variance / hidden_size + epsilon);
  for (int i = threadIdx.x; i < hidden_size; i += warpSize) y[i] = x[i] * scale * weight[i];
}
