// Fully connected layer + ReLU for a fixed 8 x 128 -> 8 x 96 problem (PyTorch Linear layout:
// weight is [out_features][in_features]). One block per input row, one thread per output feature.

constexpr int IN_FEATURES = 128;
constexpr int OUT_FEATURES = 96;

extern "C" __global__ void __launch_bounds__(96)
linear_relu_fwd(const float* __restrict__ input, const float* __restrict__ weight,
                const float* __restrict__ bias, float* __restrict__ output) {
  __shared__ float xrow[IN_FEATURES];
  const int row = blockIdx.x;
  const int o = threadIdx.x;

  // 96 threads stage 128 inputs
  for (int i = threadIdx.x; i < IN_FEATURES; i += OUT_FEATURES)
    xrow[i] = input[row * IN_FEATURES + i];
  __syncthreads();

  const float* w = weight + o * IN_FEATURES;
  float acc = bias[o];
#pragma unroll 8
  for (int i = 0; i < IN_FEATURES; ++i) acc += xrow[i] * __ldg(&w[i]);
  output[row * OUT_FEATURES + o] = max(acc, 0.0f);
}
