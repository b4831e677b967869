// Matrix transpose through a padded shared-memory tile (32x32 tile, 32x8 threads).
#include <cuda_runtime.h>

const int TILE_DIM = 32;
const int BLOCK_ROWS = 8;

__global__ void transposeCoalesced(float* odata, const float* idata, int rows, int cols) {
  __shared__ float tile[TILE_DIM][TILE_DIM + 1];

  int x = blockIdx.x * TILE_DIM + threadIdx.x;   // column in input
  int y = blockIdx.y * TILE_DIM + threadIdx.y;   // row in input
  for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
    if (x < cols && y + j < rows)
      tile[threadIdx.y + j][threadIdx.x] = idata[(y + j) * cols + x];

  __syncthreads();

  x = blockIdx.y * TILE_DIM + threadIdx.x;       // column in output (= input row)
  y = blockIdx.x * TILE_DIM + threadIdx.y;       // row in output (= input column)
  for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
    if (x < rows && y + j < cols)
      odata[(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
}

extern "C" void transpose_2d(float* in, float* out, int rows, int cols) {
  float *d_in, *d_out;
  const size_t mem = (size_t)rows * cols * sizeof(float);
  cudaMalloc(&d_in, mem);
  cudaMalloc(&d_out, mem);
  cudaMemcpy(d_in, in, mem, cudaMemcpyHostToDevice);
  dim3 dimGrid((cols + TILE_DIM - 1) / TILE_DIM, (rows + TILE_DIM - 1) / TILE_DIM, 1);
  dim3 dimBlock(TILE_DIM, BLOCK_ROWS, 1);
  transposeCoalesced<<<dimGrid, dimBlock>>>(d_out, d_in, rows, cols);
  cudaDeviceSynchronize();
  cudaMemcpy(out, d_out, mem, cudaMemcpyDeviceToHost);
  cudaFree(d_in);
  cudaFree(d_out);
}
