// Depthwise 3x3 conv, stride 2, pad 1, NCHW, with bias. Launched with a fixed grid,
// a grid-stride loop covers all outputs.

template <typename T>
__device__ __forceinline__ T load_or_zero(const T* p, int h, int w, int H, int W) {
  return (h >= 0 && h < H && w >= 0 && w < W) ? __ldg(p + h * W + w) : T(0);
}

extern "C" __global__ void dwconv3x3_s2(const float* __restrict__ input, const float* __restrict__ filter,
                                        const float* __restrict__ bias, float* __restrict__ output,
                                        int N, int C, int H, int W) {
  const int OH = (H + 1) / 2;   // (H + 2 - 3) / 2 + 1
  const int OW = (W + 1) / 2;
  const int total = N * C * OH * OW;
  for (int idx = blockIdx.x * blockDim.x + threadIdx.x; idx < total; idx += blockDim.x * gridDim.x) {
    int ow = idx % OW;
    int t = idx / OW;
    int oh = t % OH;
    t /= OH;
    int c = t % C;
    const float* plane = input + (size_t)t * H * W;    // t = n * C + c
    const float* f = filter + c * 9;
    int h0 = oh * 2 - 1, w0 = ow * 2 - 1;
    float acc = bias[c];
#pragma unroll
    for (int i = 0; i < 3; ++i)
#pragma unroll
      for (int j = 0; j < 3; ++j)
        acc += f[i * 3 + j] * load_or_zero(plane, h0 + i, w0 + j, H, W);
    output[idx] = acc;
  }
}
