#include <math.h>

// Multi-scale deformable attention core (Deformable DETR, ms_deform_attn forward), CPU port.
//   value:     [N][S_TOTAL][HEADS][DH]   (levels flattened, level_start below)
//   loc:       [N][NQ][HEADS][LEVELS][POINTS][2]  normalised (x, y) in [0, 1]
//   attn:      [N][NQ][HEADS][LEVELS][POINTS]
//   out:       [N][NQ][HEADS * DH]
// Bilinear sampling with zero padding, align_corners = false (pixel centres at +0.5).
const int HEADS = 4;
const int DH = 16;
const int LEVELS = 2;
const int POINTS = 4;
const int NQ = 50;
const int LVL_H[LEVELS] = {16, 8};
const int LVL_W[LEVELS] = {20, 10};
const int LVL_START[LEVELS] = {0, 16 * 20};
const int S_TOTAL = 16 * 20 + 8 * 10;

struct Vec16 { float v[DH]; };

struct float4 { float x, y, z, w; };   // the four bilinear corner weights

static inline void bilinear_add(Vec16& acc, const float* value_l, int H, int W, float h_im, float w_im,
                                int head, float scale)
{
    int h_low = (int)floorf(h_im);
    int w_low = (int)floorf(w_im);
    int h_high = h_low + 1;
    int w_high = w_low + 1;
    float lh = h_im - h_low, lw = w_im - w_low;
    float hh = 1.0f - lh, hw = 1.0f - lw;
    float4 wt;
    wt.x = hh * hw; wt.y = hh * lw; wt.z = lh * hw; wt.w = lh * lw;
    const int stride = HEADS * DH;
    for (int d = 0; d < DH; d++) {
        float v1 = 0.f, v2 = 0.f, v3 = 0.f, v4 = 0.f;
        if (h_low >= 0 && w_low >= 0)          v1 = value_l[(h_low * W + w_low) * stride + head * DH + d];
        if (h_low >= 0 && w_high <= W - 1)     v2 = value_l[(h_low * W + w_high) * stride + head * DH + d];
        if (h_high <= H - 1 && w_low >= 0)     v3 = value_l[(h_high * W + w_low) * stride + head * DH + d];
        if (h_high <= H - 1 && w_high <= W - 1) v4 = value_l[(h_high * W + w_high) * stride + head * DH + d];
        acc.v[d] += scale * (wt.x * v1 + wt.y * v2 + wt.z * v3 + wt.w * v4);
    }
}

extern "C" void ms_deform_attn(float* out, const float* value, const float* loc, const float* attn, int N)
{
    for (int n = 0; n < N; n++) {
        for (int q = 0; q < NQ; q++) {
            for (int h = 0; h < HEADS; h++) {
                Vec16 acc;
                acc = {0};
                for (int l = 0; l < LEVELS; l++) {
                    const int H = LVL_H[l], W = LVL_W[l];
                    const float* value_l = value + ((long)n * S_TOTAL + LVL_START[l]) * HEADS * DH;
                    for (int p = 0; p < POINTS; p++) {
                        int idx = (((n * NQ + q) * HEADS + h) * LEVELS + l) * POINTS + p;
                        float lx = loc[idx * 2 + 0];
                        float ly = loc[idx * 2 + 1];
                        float a = attn[idx];
                        float h_im = ly * H - 0.5f;
                        float w_im = lx * W - 0.5f;
                        if (h_im > -1 && w_im > -1 && h_im < H && w_im < W)
                            bilinear_add(acc, value_l, H, W, h_im, w_im, h, a);
                    }
                }
                float* o = out + ((long)n * NQ + q) * HEADS * DH + h * DH;
                for (int d = 0; d < DH; d++) o[d] = acc.v[d];
            }
        }
    }
}
