// Matrix transpose out[cols][rows] = inp[rows][cols] through a 32x33 shared tile (the extra
// column avoids bank conflicts on the column-wise read). Blocks of 32x8 threads, each thread
// moving TILE_DIM / BLOCK_ROWS = 4 elements; partial edge tiles are guarded.
#include <cuda_runtime.h>

#define TILE_DIM 32
#define BLOCK_ROWS 8
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE_DIM * BLOCK_ROWS) transpose(const float* __restrict__ inp,
                                                                   float* __restrict__ out,
                                                                   int rows, int cols) {
  __shared__ float tile[TILE_DIM][TILE_DIM + 1];

  int x = blockIdx.x * TILE_DIM + threadIdx.x;  // column in `inp`
  int y = blockIdx.y * TILE_DIM + threadIdx.y;  // row in `inp`
#pragma unroll
  for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS) {
    if (x < cols && (y + j) < rows) tile[threadIdx.y + j][threadIdx.x] = inp[(size_t)(y + j) * cols + x];
  }
  __syncthreads();

  x = blockIdx.y * TILE_DIM + threadIdx.x;  // column in `out` (= row in `inp`)
  y = blockIdx.x * TILE_DIM + threadIdx.y;  // row in `out` (= column in `inp`)
#pragma unroll
  for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS) {
    if (x < rows && (y + j) < cols) out[(size_t)(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
  }
}

extern "C" void transpose_kernel(const float* inp, float* out, int rows, int cols) {
  const size_t bytes = (size_t)rows * cols * sizeof(float);
  float *d_in, *d_out;
  cudaMalloc((void**)&d_in, bytes);
  cudaMalloc((void**)&d_out, bytes);
  cudaMemcpy(d_in, inp, bytes, cudaMemcpyHostToDevice);

  dim3 grid(CEIL_DIV(cols, TILE_DIM), CEIL_DIV(rows, TILE_DIM)), block(TILE_DIM, BLOCK_ROWS);
  transpose<<<grid, block>>>(d_in, d_out, rows, cols);

  cudaMemcpy(out, d_out, bytes, cudaMemcpyDeviceToHost);
  cudaFree(d_in);
  cudaFree(d_out);
}
