// Embedding lookup (row gather): out[t][:] = table[ids[t]][:] for ids in [0, vocab), and zeros for the
// padding id -1. EMBED_DIM is fixed (a multiple of 4): rows move as HIP float4 vectors, one 64-lane
// wavefront per token, four tokens per block.
#include <hip/hip_runtime.h>

#define EMBED_DIM 96
#define VEC (EMBED_DIM / 4)
#define BLOCK 256
#define WAVE 64
#define TOKENS_PER_BLOCK (BLOCK / WAVE)
#define PAD_ID (-1)
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
embedding_gather(const int* __restrict__ ids, const float* __restrict__ table, float* __restrict__ out,
                 const int num_tokens) {
    const int lane = threadIdx.x % WAVE;
    const int t = blockIdx.x * TOKENS_PER_BLOCK + threadIdx.x / WAVE;
    if (t >= num_tokens) return;
    const int id = ids[t];
    float4* __restrict__ dst = reinterpret_cast<float4*>(out + (size_t)t * EMBED_DIM);
    if (id == PAD_ID) {
        for (int v = lane; v < VEC; v += WAVE) dst[v] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
    } else {
        const float4* __restrict__ src = reinterpret_cast<const float4*>(table + (size_t)id * EMBED_DIM);
        for (int v = lane; v < VEC; v += WAVE) dst[v] = src[v];
    }
}

extern "C" void embedding_gather_kernel(const int* ids, const float* table, float* out, int num_tokens, int vocab) {
    int* d_ids;
    float *d_table, *d_out;
    hipMalloc((void**)&d_ids, (size_t)num_tokens * sizeof(int));
    hipMalloc((void**)&d_table, (size_t)vocab * EMBED_DIM * sizeof(float));
    hipMalloc((void**)&d_out, (size_t)num_tokens * EMBED_DIM * sizeof(float));
    hipMemcpy(d_ids, ids, (size_t)num_tokens * sizeof(int), hipMemcpyHostToDevice);
    hipMemcpy(d_table, table, (size_t)vocab * EMBED_DIM * sizeof(float), hipMemcpyHostToDevice);
    hipLaunchKernelGGL(embedding_gather, dim3(CEIL_DIV(num_tokens, TOKENS_PER_BLOCK)), dim3(BLOCK), 0, 0,
                       d_ids, d_table, d_out, num_tokens);
    hipMemcpy(out, d_out, (size_t)num_tokens * EMBED_DIM * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(d_ids);
    hipFree(d_table);
    hipFree(d_out);
}
