// Grouped-query attention (small sequences): q [B, HQ, S, D], k/v [B, HKV, S, D], out [B, HQ, S, D],
// HQ = 8 query heads sharing HKV = 2 key/value heads (query head h reads kv head h / GROUP),
// softmax(q k^T / sqrt(D)) v with an optional causal mask. S <= MAX_SEQ = 64 (one key per lane).
// Block = 4 wavefronts = 4 consecutive query rows of one head; K, V of the kv head and the 4 query
// rows are staged in LDS. Row max / sum: __shfl_down from 32 and __shfl broadcast; P goes through LDS;
// P.V: lane l computes dim l % 32 over keys j = l / 32, l / 32 + 2, ..., halves combined by __shfl_down(., 32).
#include <hip/hip_runtime.h>
#include <float.h>

#define HEAD_DIM 32
#define NUM_Q_HEADS 8
#define NUM_KV_HEADS 2
#define GROUP (NUM_Q_HEADS / NUM_KV_HEADS)
#define MAX_SEQ 64
#define WAVE 64
#define BLOCK 256
#define Q_PER_BLOCK (BLOCK / WAVE)
#define SCALE 0.17677669529663687f  /* 1 / sqrt(HEAD_DIM) */
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

static_assert(MAX_SEQ == WAVE, "one key per lane");
static_assert(2 * HEAD_DIM == WAVE, "two key halves per output dim");

__global__ void __launch_bounds__(BLOCK)
gqa_attention(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
              float* __restrict__ out, const int S, const int causal) {
    __shared__ float Ks[MAX_SEQ][HEAD_DIM + 1];
    __shared__ float Vs[MAX_SEQ][HEAD_DIM];
    __shared__ float Qs[Q_PER_BLOCK][HEAD_DIM];
    __shared__ float Ps[Q_PER_BLOCK][MAX_SEQ];

    const int tid = threadIdx.x;
    const int lane = tid % WAVE;
    const int wid = tid / WAVE;
    const int q0 = blockIdx.x * Q_PER_BLOCK;
    const int h = blockIdx.y;
    const int b = blockIdx.z;
    const int hkv = h / GROUP;
    const size_t q_base = ((size_t)b * NUM_Q_HEADS + h) * S * HEAD_DIM;
    const size_t kv_base = ((size_t)b * NUM_KV_HEADS + hkv) * S * HEAD_DIM;

    for (int i = tid; i < S * HEAD_DIM; i += BLOCK) {
        Ks[i / HEAD_DIM][i % HEAD_DIM] = k[kv_base + i];
        Vs[i / HEAD_DIM][i % HEAD_DIM] = v[kv_base + i];
    }
    for (int i = tid; i < Q_PER_BLOCK * HEAD_DIM; i += BLOCK) {
        const int r = q0 + i / HEAD_DIM;
        Qs[i / HEAD_DIM][i % HEAD_DIM] = (r < S) ? q[q_base + (size_t)r * HEAD_DIM + i % HEAD_DIM] : 0.0f;
    }
    __syncthreads();

    // scores: lane j <-> key j
    const int qrow = q0 + wid;
    const int j = lane;
    const bool valid = j < S && (!causal || j <= qrow);
    float s = -FLT_MAX;
    if (valid) {
        float dot = 0.0f;
#pragma unroll
        for (int d = 0; d < HEAD_DIM; ++d) dot += Qs[wid][d] * Ks[j][d];
        s = dot * SCALE;
    }
    float m = s;
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) m = fmaxf(m, __shfl_down(m, offset));
    m = __shfl(m, 0);
    const float p = valid ? expf(s - m) : 0.0f;
    float l = p;
    for (int offset = WAVE / 2; offset > 0; offset >>= 1) l += __shfl_down(l, offset);
    l = __shfl(l, 0);
    Ps[wid][j] = p / l;
    __syncthreads();

    // out = P V
    const int d = lane % HEAD_DIM;
    float acc = 0.0f;
    for (int jj = lane / HEAD_DIM; jj < S; jj += WAVE / HEAD_DIM) acc += Ps[wid][jj] * Vs[jj][d];
    acc += __shfl_down(acc, HEAD_DIM);
    if (lane < HEAD_DIM && qrow < S) out[q_base + (size_t)qrow * HEAD_DIM + d] = acc;
}

extern "C" void gqa_attention_kernel(const float* q, const float* k, const float* v, float* out,
                                     int batch, int S, int causal) {
    const size_t qbytes = (size_t)batch * NUM_Q_HEADS * S * HEAD_DIM * sizeof(float);
    const size_t kvbytes = (size_t)batch * NUM_KV_HEADS * S * HEAD_DIM * sizeof(float);
    float *dq, *dk, *dv, *dout;
    hipMalloc((void**)&dq, qbytes);
    hipMalloc((void**)&dk, kvbytes);
    hipMalloc((void**)&dv, kvbytes);
    hipMalloc((void**)&dout, qbytes);
    hipMemcpy(dq, q, qbytes, hipMemcpyHostToDevice);
    hipMemcpy(dk, k, kvbytes, hipMemcpyHostToDevice);
    hipMemcpy(dv, v, kvbytes, hipMemcpyHostToDevice);
    dim3 grid(CEIL_DIV(S, Q_PER_BLOCK), NUM_Q_HEADS, batch);
    hipLaunchKernelGGL(gqa_attention, grid, dim3(BLOCK), 0, 0, dq, dk, dv, dout, S, causal);
    hipMemcpy(out, dout, qbytes, hipMemcpyDeviceToHost);
    hipFree(dq);
    hipFree(dk);
    hipFree(dv);
    hipFree(dout);
}
