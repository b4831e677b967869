// Matrix transpose out[c][r] = in[r][c] through a 32x33 LDS tile (padded against bank conflicts).
// Blocks of 32x8 threads, each thread moves TILE_DIM / BLOCK_ROWS = 4 elements; edge tiles guarded.
#include <hip/hip_runtime.h>

#define TILE_DIM 32
#define BLOCK_ROWS 8
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(TILE_DIM * BLOCK_ROWS)
transpose_lds(const float* __restrict__ in, float* __restrict__ out, const int rows, const int cols) {
    __shared__ float tile[TILE_DIM][TILE_DIM + 1];
    int x = blockIdx.x * TILE_DIM + threadIdx.x;  // column of in
    int y = blockIdx.y * TILE_DIM + threadIdx.y;  // row of in
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
        if (x < cols && y + j < rows) tile[threadIdx.y + j][threadIdx.x] = in[(size_t)(y + j) * cols + x];
    __syncthreads();
    x = blockIdx.y * TILE_DIM + threadIdx.x;  // column of out = row of in
    y = blockIdx.x * TILE_DIM + threadIdx.y;  // row of out = column of in
    for (int j = 0; j < TILE_DIM; j += BLOCK_ROWS)
        if (x < rows && y + j < cols) out[(size_t)(y + j) * rows + x] = tile[threadIdx.x][threadIdx.y + j];
}

extern "C" void transpose_lds_kernel(const float* in, float* out, int rows, int cols) {
    const size_t bytes = (size_t)rows * cols * sizeof(float);
    float *d_in, *d_out;
    hipMalloc(&d_in, bytes);
    hipMalloc(&d_out, bytes);
    hipMemcpy(d_in, in, bytes, hipMemcpyHostToDevice);
    dim3 block(TILE_DIM, BLOCK_ROWS);
    dim3 grid(CEIL_DIV(cols, TILE_DIM), CEIL_DIV(rows, TILE_DIM));
    transpose_lds<<<grid, block>>>(d_in, d_out, rows, cols);
    hipMemcpy(out, d_out, bytes, hipMemcpyDeviceToHost);
    hipFree(d_in);
    hipFree(d_out);
}
