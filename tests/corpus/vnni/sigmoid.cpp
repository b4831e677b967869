// Elementwise logistic sigmoid y = 1 / (1 + exp(-x)) on a fixed-size float32 buffer.
// Vector blocks: negate with AVX-512, evaluate expf per lane through an aligned stack
// buffer, finish with _mm512_add_ps/_mm512_div_ps; scalar tail loop.
#include <immintrin.h>
#include <math.h>

#define N_ELEMS 3000   /* 187 full vectors + 8 tail elements */
#define VLEN 16
#define BLOCK 64       /* elements per OpenMP work item */

extern "C" void sigmoid_f32(const float* __restrict__ x, float* __restrict__ y) {
    const int n_main = N_ELEMS - N_ELEMS % VLEN;
#pragma omp parallel for schedule(static)
    for (int b = 0; b < n_main; b += BLOCK) {
        const int b_end = (b + BLOCK < n_main) ? b + BLOCK : n_main;
        alignas(64) float t[VLEN];
        const __m512 one = _mm512_set1_ps(1.0f);
        const __m512 neg_one = _mm512_set1_ps(-1.0f);
        for (int i = b; i < b_end; i += VLEN) {
            __m512 v = _mm512_mul_ps(_mm512_loadu_ps(x + i), neg_one);
            _mm512_store_ps(t, v);
            for (int j = 0; j < VLEN; ++j) t[j] = expf(t[j]);
            __m512 e = _mm512_load_ps(t);
            _mm512_storeu_ps(y + i, _mm512_div_ps(one, _mm512_add_ps(one, e)));
        }
    }
    for (int i = n_main; i < N_ELEMS; ++i) {
        y[i] = 1.0f / (1.0f + expf(-x[i]));
    }
}
