#include <cfloat>

// Row-wise max, one warp per row, 4 rows per block (blockDim = 32 x 4).
extern "C" __global__ void row_max_warp(const float* __restrict__ x, float* __restrict__ out,
                                        int rows, int cols) {
  int row = blockIdx.x * blockDim.y + threadIdx.y;
  if (row >= rows) return;
  const float* p = x + (size_t)row * cols;
  float m = -FLT_MAX;
  for (int c = threadIdx.x; c < cols; c += 32) m = fmaxf(m, p[c]);
#pragma unroll
  for (int mask = 16; mask >= 1; mask >>= 1)
    m = fmaxf(m, __shfl_xor_sync(0xffffffff, m, mask));
  if (threadIdx.x == 0) out[row] = m;
}
