// Single-scale deformable attention (MSDeformAttn sampling core), float32:
// out[q][h][:] = sum_p attw[q][h][p] * bilinear(value[:, h, :], loc[q][h][p]),
// value [H_in*W_in][heads][HEAD_DIM], loc (x, y) normalised to [0, 1], pixel centres at
// (i + 0.5) / W_in (grid_sample, align_corners=False), corners outside the map contribute zero.
// Corner positions and weights are scalar; each valid corner adds its value row over the head
// dim with _mm512_fmadd_ps (16 lanes + 8-lane masked tail). OpenMP over (query, head).
#include <immintrin.h>
#include <math.h>

#define HEAD_DIM 24
#define VLEN 16
#define TAIL_MASK ((__mmask16)((1u << (HEAD_DIM - VLEN)) - 1u))

extern "C" void deformable_attn_f32(const float* __restrict__ value, const float* __restrict__ loc,
                                    const float* __restrict__ attw, float* __restrict__ out,
                                    int n_query, int heads, int points, int h_in, int w_in) {
#pragma omp parallel for collapse(2) schedule(static)
    for (int q = 0; q < n_query; ++q) {
        for (int h = 0; h < heads; ++h) {
            __m512 acc0 = _mm512_setzero_ps();
            __m512 acc1 = _mm512_setzero_ps();
            const long qh = (long)q * heads + h;
            for (int p = 0; p < points; ++p) {
                const float a = attw[qh * points + p];
                const float px = loc[(qh * points + p) * 2] * (float)w_in - 0.5f;
                const float py = loc[(qh * points + p) * 2 + 1] * (float)h_in - 0.5f;
                const float fx0 = floorf(px);
                const float fy0 = floorf(py);
                const int x0 = (int)fx0;
                const int y0 = (int)fy0;
                const float lx = px - fx0;
                const float ly = py - fy0;
                for (int dy = 0; dy < 2; ++dy) {
                    const int y = y0 + dy;
                    if (y < 0 || y >= h_in) continue;
                    const float wy = dy ? ly : 1.0f - ly;
                    for (int dx = 0; dx < 2; ++dx) {
                        const int x = x0 + dx;
                        if (x < 0 || x >= w_in) continue;
                        const float wx = dx ? lx : 1.0f - lx;
                        const __m512 w = _mm512_set1_ps(a * wy * wx);
                        const float* __restrict__ v = value + (((long)y * w_in + x) * heads + h) * HEAD_DIM;
                        acc0 = _mm512_fmadd_ps(w, _mm512_loadu_ps(v), acc0);
                        acc1 = _mm512_fmadd_ps(w, _mm512_maskz_loadu_ps(TAIL_MASK, v + VLEN), acc1);
                    }
                }
            }
            float* __restrict__ o = out + qh * HEAD_DIM;
            _mm512_storeu_ps(o, acc0);
            _mm512_mask_storeu_ps(o + VLEN, TAIL_MASK, acc1);
        }
    }
}
