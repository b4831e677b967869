// Batched 2-D transpose dst[b][c][r] = src[b][r][c] for float32 [B][R][C] -> [B][C][R].
// 16x16 tiles: each tile row is loaded as one zmm (masked at the C edge) and scattered into
// an aligned 16x16 stack tile, which is written out column-wise so both global streams stay
// contiguous; edge tiles use scalar loops bounded by R and C. OpenMP over (batch, row tile).
#include <immintrin.h>

#define TILE 16
#define CEIL_DIV(a, b) (((a) + (b) - 1) / (b))

extern "C" void transpose_f32(const float* __restrict__ src, float* __restrict__ dst,
                              int B, int R, int C) {
    const int tiles_r = CEIL_DIV(R, TILE);
#pragma omp parallel for collapse(2) schedule(static)
    for (int b = 0; b < B; ++b) {
        for (int tr = 0; tr < tiles_r; ++tr) {
            alignas(64) float tile[TILE][TILE];
            const float* __restrict__ s = src + (long)b * R * C;
            float* __restrict__ d = dst + (long)b * R * C;
            const int r0 = tr * TILE;
            const int rn = (R - r0 < TILE) ? R - r0 : TILE;
            for (int c0 = 0; c0 < C; c0 += TILE) {
                const int cn = (C - c0 < TILE) ? C - c0 : TILE;
                const __mmask16 k = (__mmask16)((1u << cn) - 1u);
                for (int i = 0; i < rn; ++i)
                    _mm512_store_ps(tile[i], _mm512_maskz_loadu_ps(k, s + (long)(r0 + i) * C + c0));
                for (int j = 0; j < cn; ++j) {
                    float* __restrict__ drow = d + (long)(c0 + j) * R + r0;
                    for (int i = 0; i < rn; ++i) drow[i] = tile[i][j];
                }
            }
        }
    }
}
