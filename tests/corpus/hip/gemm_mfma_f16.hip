// Half-precision linear layer on CDNA matrix cores: C = A * W^T + bias, A [M,K] half, W [N,K] half
// (weight layout of a linear layer), bias [N] float, C [M,N] float (fp32 accumulate).
// Block = 256 threads = 4 wavefronts computing a 32x32 tile; wave w owns the 16x16 sub-tile
// (w / 2, w % 2). Per k-step of 16 the block stages a 32x16 slice of A and of W in LDS (zero-padded
// outside the matrices), then each wave issues one v_mfma_f32_16x16x16f16:
//   lane l supplies a[e] = A[i = l % 16][k = 4 * (l / 16) + e], b[e] = B[k = 4 * (l / 16) + e][j = l % 16]
//   (B = W^T, so b[e] = W[j][k]); accumulator element r holds C[4 * (l / 16) + r][l % 16].
#include <hip/hip_runtime.h>

#define BM 32
#define BN 32
#define BK 16
#define WAVE 64
#define BLOCK 256
#define LDS_PAD 4
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

static_assert(BM == BN, "one staging loop fills both LDS tiles");

typedef _Float16 half_t;
typedef _Float16 halfx4 __attribute__((ext_vector_type(4)));
typedef float floatx4 __attribute__((ext_vector_type(4)));

__global__ void __launch_bounds__(BLOCK)
linear_mfma_f16(const half_t* __restrict__ A, const half_t* __restrict__ W, const float* __restrict__ bias,
                float* __restrict__ C, const int M, const int N, const int K) {
    __shared__ half_t As[BM][BK + LDS_PAD];
    __shared__ half_t Ws[BN][BK + LDS_PAD];
    const int tid = threadIdx.x;
    const int lane = tid % WAVE;
    const int wid = tid / WAVE;
    const int wm = (wid / 2) * 16;  // sub-tile row offset in the block tile
    const int wn = (wid % 2) * 16;  // sub-tile column offset
    const int row0 = blockIdx.y * BM;
    const int col0 = blockIdx.x * BN;
    const int li = lane % 16;
    const int lk = 4 * (lane / 16);

    floatx4 acc = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int k0 = 0; k0 < K; k0 += BK) {
        for (int i = tid; i < BM * BK; i += BLOCK) {
            const int r = i / BK;
            const int c = i % BK;
            const int gk = k0 + c;
            const int gm = row0 + r;
            const int gn = col0 + r;
            As[r][c] = (gm < M && gk < K) ? A[(size_t)gm * K + gk] : (half_t)0.0f;
            Ws[r][c] = (gn < N && gk < K) ? W[(size_t)gn * K + gk] : (half_t)0.0f;
        }
        __syncthreads();
        halfx4 a, b;
#pragma unroll
        for (int e = 0; e < 4; ++e) {
            a[e] = As[wm + li][lk + e];
            b[e] = Ws[wn + li][lk + e];
        }
        acc = __builtin_amdgcn_mfma_f32_16x16x16f16(a, b, acc, 0, 0, 0);
        __syncthreads();
    }

    const int col = col0 + wn + li;
#pragma unroll
    for (int r = 0; r < 4; ++r) {
        const int row = row0 + wm + lk + r;
        if (row < M && col < N) C[(size_t)row * N + col] = acc[r] + bias[col];
    }
}

extern "C" void linear_mfma_f16_kernel(const half_t* A, const half_t* W, const float* bias, float* C,
                                       int M, int N, int K) {
    half_t *dA, *dW;
    float *dBias, *dC;
    hipMalloc(&dA, (size_t)M * K * sizeof(half_t));
    hipMalloc(&dW, (size_t)N * K * sizeof(half_t));
    hipMalloc(&dBias, (size_t)N * sizeof(float));
    hipMalloc(&dC, (size_t)M * N * sizeof(float));
    hipMemcpy(dA, A, (size_t)M * K * sizeof(half_t), hipMemcpyHostToDevice);
    hipMemcpy(dW, W, (size_t)N * K * sizeof(half_t), hipMemcpyHostToDevice);
    hipMemcpy(dBias, bias, (size_t)N * sizeof(float), hipMemcpyHostToDevice);
    dim3 grid(CEIL_DIV(N, BN), CEIL_DIV(M, BM));
    linear_mfma_f16<<<grid, BLOCK>>>(dA, dW, dBias, dC, M, N, K);
    hipMemcpy(C, dC, (size_t)M * N * sizeof(float), hipMemcpyDeviceToHost);
    hipFree(dA);
    hipFree(dW);
    hipFree(dBias);
    hipFree(dC);
}
