// Single-query-block scaled dot-product attention, float32, per head:
// out[h][i] = softmax_j(q[h][i] . k[h][j] * scale  (+ causal mask j > i)) @ v[h][j].
// HEAD_DIM = 32 = 2 zmm; scores kept in an aligned stack row, scalar expf, probabilities
// accumulated into two 16-lane vectors with _mm512_fmadd_ps. OpenMP over (head, query).
#include <immintrin.h>
#include <math.h>

#define HEAD_DIM 32
#define VLEN 16
#define MAX_SEQ 128

extern "C" void attention_f32(const float* __restrict__ q, const float* __restrict__ k,
                              const float* __restrict__ v, float* __restrict__ out,
                              int heads, int seq, float scale, int causal) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int h = 0; h < heads; ++h) {
        for (int i = 0; i < seq; ++i) {
            alignas(64) float score[MAX_SEQ];
            const long base = (long)h * seq * HEAD_DIM;
            const float* __restrict__ qi = q + base + (long)i * HEAD_DIM;
            const __m512 q0 = _mm512_loadu_ps(qi);
            const __m512 q1 = _mm512_loadu_ps(qi + VLEN);
            const int n_keys = causal ? i + 1 : seq;

            float m = -INFINITY;
            for (int j = 0; j < n_keys; ++j) {
                const float* __restrict__ kj = k + base + (long)j * HEAD_DIM;
                __m512 d = _mm512_mul_ps(q0, _mm512_loadu_ps(kj));
                d = _mm512_fmadd_ps(q1, _mm512_loadu_ps(kj + VLEN), d);
                const float s = _mm512_reduce_add_ps(d) * scale;
                score[j] = s;
                m = s > m ? s : m;
            }

            float sum = 0.0f;
            __m512 o0 = _mm512_setzero_ps();
            __m512 o1 = _mm512_setzero_ps();
            for (int j = 0; j < n_keys; ++j) {
                const float p = expf(score[j] - m);
                sum += p;
                const __m512 vp = _mm512_set1_ps(p);
                const float* __restrict__ vj = v + base + (long)j * HEAD_DIM;
                o0 = _mm512_fmadd_ps(vp, _mm512_loadu_ps(vj), o0);
                o1 = _mm512_fmadd_ps(vp, _mm512_loadu_ps(vj + VLEN), o1);
            }
            const __m512 inv = _mm512_set1_ps(1.0f / sum);
            float* __restrict__ oi = out + base + (long)i * HEAD_DIM;
            _mm512_storeu_ps(oi, _mm512_mul_ps(o0, inv));
            _mm512_storeu_ps(oi + VLEN, _mm512_mul_ps(o1, inv));
        }
    }
}
