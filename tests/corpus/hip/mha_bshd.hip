// Multi-head attention on packed [B, S, NUM_HEADS * HEAD_DIM] tensors (the layout a fused QKV projection
// produces): out[b, i, h*D:(h+1)*D] = softmax(q_i k^T / sqrt(D)) v over all S keys of head h.
// S <= MAX_SEQ = 128. Block = 4 wavefronts = 4 consecutive query rows of one (batch, head); K and V of
// the head are staged in LDS (K padded to 33 columns). Each lane scores keys lane and lane + 64;
// row max and sum use a __shfl_xor butterfly (max-subtracted exponentials); P goes through LDS;
// P.V: lane l accumulates dim l % 32 over keys of parity l / 32, halves joined with __shfl_down(., 32).
#include <hip/hip_runtime.h>
#include <float.h>

#define NUM_HEADS 4
#define HEAD_DIM 32
#define MODEL_DIM (NUM_HEADS * HEAD_DIM)
#define MAX_SEQ 128
#define WAVE 64
#define BLOCK 256
#define ROWS_PER_BLOCK (BLOCK / WAVE)
#define KEYS_PER_LANE (MAX_SEQ / WAVE)
#define SCALE 0.17677669529663687f  /* 1 / sqrt(HEAD_DIM) */
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

__global__ void __launch_bounds__(BLOCK)
mha_bshd(const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
         float* __restrict__ out, const int S) {
    __shared__ float Ks[MAX_SEQ][HEAD_DIM + 1];
    __shared__ float Vs[MAX_SEQ][HEAD_DIM];
    __shared__ float Ps[ROWS_PER_BLOCK][MAX_SEQ];
    const int tid = threadIdx.x;
    const int lane = tid % WAVE;
    const int wid = tid / WAVE;
    const int h = blockIdx.y;
    const int b = blockIdx.z;
    const size_t base = (size_t)b * S * MODEL_DIM + h * HEAD_DIM;   // element (b, 0, h, 0)

    for (int i = tid; i < S * HEAD_DIM; i += BLOCK) {
        const size_t g = base + (size_t)(i / HEAD_DIM) * MODEL_DIM + i % HEAD_DIM;
        Ks[i / HEAD_DIM][i % HEAD_DIM] = k[g];
        Vs[i / HEAD_DIM][i % HEAD_DIM] = v[g];
    }
    __syncthreads();

    const int row = blockIdx.x * ROWS_PER_BLOCK + wid;
    const bool row_ok = row < S;   // a tail wave still joins the shuffles and barriers
    const float* __restrict__ qr = q + base + (size_t)(row_ok ? row : 0) * MODEL_DIM;
    float s[KEYS_PER_LANE];
    float m = -FLT_MAX;
#pragma unroll
    for (int t = 0; t < KEYS_PER_LANE; ++t) {
        const int j = lane + t * WAVE;
        s[t] = -FLT_MAX;
        if (j < S) {
            float dot = 0.0f;
#pragma unroll
            for (int d = 0; d < HEAD_DIM; ++d) dot += qr[d] * Ks[j][d];
            s[t] = dot * SCALE;
        }
        m = fmaxf(m, s[t]);
    }
    for (int mask = WAVE / 2; mask > 0; mask >>= 1) m = fmaxf(m, __shfl_xor(m, mask));
    float l = 0.0f;
#pragma unroll
    for (int t = 0; t < KEYS_PER_LANE; ++t) {
        s[t] = (lane + t * WAVE < S) ? expf(s[t] - m) : 0.0f;
        l += s[t];
    }
    for (int mask = WAVE / 2; mask > 0; mask >>= 1) l += __shfl_xor(l, mask);
    const float inv = 1.0f / l;
#pragma unroll
    for (int t = 0; t < KEYS_PER_LANE; ++t) Ps[wid][lane + t * WAVE] = s[t] * inv;
    __syncthreads();

    const int d = lane % HEAD_DIM;
    float acc = 0.0f;
    for (int j = lane / HEAD_DIM; j < S; j += WAVE / HEAD_DIM) acc += Ps[wid][j] * Vs[j][d];
    acc += __shfl_down(acc, HEAD_DIM);
    if (lane < HEAD_DIM && row_ok) out[base + (size_t)row * MODEL_DIM + d] = acc;
}

extern "C" void mha_bshd_kernel(const float* q, const float* k, const float* v, float* out, int B, int S) {
    const size_t bytes = (size_t)B * S * MODEL_DIM * sizeof(float);
    float *dq, *dk, *dv, *dout;
    hipMalloc((void**)&dq, bytes);
    hipMalloc((void**)&dk, bytes);
    hipMalloc((void**)&dv, bytes);
    hipMalloc((void**)&dout, bytes);
    hipMemcpy(dq, q, bytes, hipMemcpyHostToDevice);
    hipMemcpy(dk, k, bytes, hipMemcpyHostToDevice);
    hipMemcpy(dv, v, bytes, hipMemcpyHostToDevice);
    dim3 grid(CEIL_DIV(S, ROWS_PER_BLOCK), NUM_HEADS, B);
    hipLaunchKernelGGL(mha_bshd, grid, dim3(BLOCK), 0, 0, dq, dk, dv, dout, S);
    hipMemcpy(out, dout, bytes, hipMemcpyDeviceToHost);
    hipFree(dq);
    hipFree(dk);
    hipFree(dv);
    hipFree(dout);
}
