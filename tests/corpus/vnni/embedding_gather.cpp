// Embedding lookup out[i][:] = table[idx[i]][:] * scale, float32 table [vocab][EMB_DIM].
// Out-of-range ids (negative or >= vocab, e.g. a padding id of -1) produce a zero row.
// EMB_DIM = 100 = 6 vectors + 4-element masked tail. OpenMP over tokens.
#include <immintrin.h>
#include <stdint.h>

#define EMB_DIM 100
#define VLEN 16
#define EMB_MAIN (EMB_DIM - EMB_DIM % VLEN)
#define EMB_TAIL_MASK ((__mmask16)((1u << (EMB_DIM % VLEN)) - 1u))

extern "C" void embedding_gather_f32(const float* __restrict__ table, const int32_t* __restrict__ idx,
                                     float* __restrict__ out, int n_tokens, int vocab, float scale) {
    const __m512 vscale = _mm512_set1_ps(scale);
#pragma omp parallel for schedule(static)
    for (int i = 0; i < n_tokens; ++i) {
        const int32_t id = idx[i];
        float* __restrict__ o = out + (long)i * EMB_DIM;
        if (id < 0 || id >= vocab) {
            for (int d = 0; d < EMB_MAIN; d += VLEN) _mm512_storeu_ps(o + d, _mm512_setzero_ps());
            _mm512_mask_storeu_ps(o + EMB_MAIN, EMB_TAIL_MASK, _mm512_setzero_ps());
            continue;
        }
        const float* __restrict__ row = table + (long)id * EMB_DIM;
        for (int d = 0; d < EMB_MAIN; d += VLEN)
            _mm512_storeu_ps(o + d, _mm512_mul_ps(_mm512_loadu_ps(row + d), vscale));
        _mm512_mask_storeu_ps(o + EMB_MAIN, EMB_TAIL_MASK,
                              _mm512_mul_ps(_mm512_maskz_loadu_ps(EMB_TAIL_MASK, row + EMB_MAIN), vscale));
    }
}
