#include <cmath>
#include <algorithm>

// Grouped-query causal attention for one sequence, token-major layout as it comes out of
// the QKV projection: q[SEQ][N_Q_HEADS][HEAD_DIM], k/v[SEQ][N_KV_HEADS][HEAD_DIM].
// Every KV head serves N_Q_HEADS / N_KV_HEADS query heads.
#define SEQ        33
#define N_Q_HEADS  8
#define N_KV_HEADS 2
#define HEAD_DIM   32

extern "C" void gqa_causal(float* out, const float* q, const float* k, const float* v)
{
    const int group = N_Q_HEADS / N_KV_HEADS;
    const float scale = 1.0f / sqrtf((float)HEAD_DIM);
#pragma omp parallel for collapse(2)
    for (int h = 0; h < N_Q_HEADS; h++) {
        for (int i = 0; i < SEQ; i++) {
            int dim3 = HEAD_DIM;           // innermost extent of q/k/v
            int kvh = h / group;
            float att[SEQ];
            const float* qi = q + (i * N_Q_HEADS + h) * dim3;
            float mx = -INFINITY;
            for (int j = 0; j <= i; j++) {
                const float* kj = k + (j * N_KV_HEADS + kvh) * dim3;
                float s = 0.0f;
                for (int d = 0; d < dim3; d++) s += qi[d] * kj[d];
                att[j] = s * scale;
                mx = fmaxf(mx, att[j]);
            }
            float sum = 0.0f;
            for (int j = 0; j <= i; j++) {
                att[j] = expf(att[j] - mx);
                sum += att[j];
            }
            float* o = out + (i * N_Q_HEADS + h) * dim3;
            for (int d = 0; d < dim3; d++) {
                float acc = 0.0f;
                for (int j = 0; j <= i; j++)
                    acc += att[j] * v[(j * N_KV_HEADS + kvh) * dim3 + d];
                o[d] = acc / sum;
            }
        }
    }
}
