// Grouped-query attention, float32: q [hq][seq][HEAD_DIM], k and v [hkv][seq][HEAD_DIM],
// query head h reads kv head h / (hq / hkv); out[h][i] = softmax_j(q.k * scale, causal j <= i) @ v.
// One pass over the keys with an online softmax (running max m and sum l; the output
// accumulators are rescaled by expf(m_old - m_new) when the max grows). HEAD_DIM = 40 =
// 2 zmm + an 8-lane masked tail; dot products by _mm512_fmadd_ps + _mm512_reduce_add_ps.
// OpenMP over (query head, query).
#include <immintrin.h>
#include <math.h>

#define HEAD_DIM 40
#define VLEN 16
#define TAIL ((__mmask16)((1u << (HEAD_DIM - 2 * VLEN)) - 1u))

extern "C" void gqa_attention_f32(const float* __restrict__ q, const float* __restrict__ k,
                                  const float* __restrict__ v, float* __restrict__ out,
                                  int hq, int hkv, int seq, float scale, int causal) {
    const int group = hq / hkv;
#pragma omp parallel for collapse(2) schedule(static)
    for (int h = 0; h < hq; ++h) {
        for (int i = 0; i < seq; ++i) {
            const float* __restrict__ qi = q + ((long)h * seq + i) * HEAD_DIM;
            const long kv_base = (long)(h / group) * seq * HEAD_DIM;
            const __m512 q0 = _mm512_loadu_ps(qi);
            const __m512 q1 = _mm512_loadu_ps(qi + VLEN);
            const __m512 q2 = _mm512_maskz_loadu_ps(TAIL, qi + 2 * VLEN);
            __m512 o0 = _mm512_setzero_ps(), o1 = _mm512_setzero_ps(), o2 = _mm512_setzero_ps();
            float m = -INFINITY, l = 0.0f;
            const int n_keys = causal ? i + 1 : seq;
            for (int j = 0; j < n_keys; ++j) {
                const float* __restrict__ kj = k + kv_base + (long)j * HEAD_DIM;
                __m512 d = _mm512_mul_ps(q0, _mm512_loadu_ps(kj));
                d = _mm512_fmadd_ps(q1, _mm512_loadu_ps(kj + VLEN), d);
                d = _mm512_fmadd_ps(q2, _mm512_maskz_loadu_ps(TAIL, kj + 2 * VLEN), d);
                const float s = _mm512_reduce_add_ps(d) * scale;
                const float m_new = s > m ? s : m;
                const float corr = expf(m - m_new);
                const float p = expf(s - m_new);
                l = l * corr + p;
                m = m_new;
                const __m512 vc = _mm512_set1_ps(corr);
                const __m512 vp = _mm512_set1_ps(p);
                const float* __restrict__ vj = v + kv_base + (long)j * HEAD_DIM;
                o0 = _mm512_fmadd_ps(vp, _mm512_loadu_ps(vj), _mm512_mul_ps(o0, vc));
                o1 = _mm512_fmadd_ps(vp, _mm512_loadu_ps(vj + VLEN), _mm512_mul_ps(o1, vc));
                o2 = _mm512_fmadd_ps(vp, _mm512_maskz_loadu_ps(TAIL, vj + 2 * VLEN), _mm512_mul_ps(o2, vc));
            }
            const __m512 inv = _mm512_set1_ps(1.0f / l);
            float* __restrict__ oi = out + ((long)h * seq + i) * HEAD_DIM;
            _mm512_storeu_ps(oi, _mm512_mul_ps(o0, inv));
            _mm512_storeu_ps(oi + VLEN, _mm512_mul_ps(o1, inv));
            _mm512_mask_storeu_ps(oi + 2 * VLEN, TAIL, _mm512_mul_ps(o2, inv));
        }
    }
}
