"""Multi-scale deformable attention forward (Deformable DETR core): 4 heads x 16 dims, 2 levels (16x20,
8x10), 4 points, 50 queries, bilinear sampling with zero padding (align_corners=False); const int shapes
and level tables, plain loops, a struct named float4, aggregate assignment acc = {0}; batch a parameter."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, const int shapes/tables, struct named float4, aggregate assignment acc = {0}, static inline helper, floorf"
ENTRY = "ms_deform_attn"
PARAMS = ["out", "value", "loc", "attn", "N"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
CASES = [dict(N=2)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

HEADS, DH, LEVELS, POINTS, NQ = 4, 16, 2, 4, 50
SHAPES = [(16, 20), (8, 10)]
STARTS = [0, 16 * 20]
S_TOTAL = 16 * 20 + 8 * 10


def make_inputs(rng: np.random.Generator, N=2) -> dict:
    logits = rng.standard_normal((N, NQ, HEADS, LEVELS * POINTS))
    w = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return {
        "out": np.zeros((N, NQ, HEADS * DH), np.float32),
        "value": rng.standard_normal((N, S_TOTAL, HEADS, DH)).astype(np.float32),
        "loc": rng.uniform(-0.1, 1.1, (N, NQ, HEADS, LEVELS, POINTS, 2)).astype(np.float32),
        "attn": w.reshape(N, NQ, HEADS, LEVELS, POINTS).astype(np.float32),
        "N": np.int32(N),
    }


def _sample(img, h_im, w_im):
    """img [H, W, DH]; zero outside."""
    H, W, _ = img.shape
    out = np.zeros(img.shape[-1])
    if not (h_im > -1 and w_im > -1 and h_im < H and w_im < W):
        return out
    hl, wl = int(np.floor(h_im)), int(np.floor(w_im))
    lh, lw = h_im - hl, w_im - wl
    for (y, x, wt) in ((hl, wl, (1 - lh) * (1 - lw)), (hl, wl + 1, (1 - lh) * lw),
                       (hl + 1, wl, lh * (1 - lw)), (hl + 1, wl + 1, lh * lw)):
        if 0 <= y < H and 0 <= x < W:
            out += wt * img[y, x]
    return out


def reference(inputs: dict) -> dict:
    value = inputs["value"].astype(np.float64)
    loc = inputs["loc"]
    attn = inputs["attn"].astype(np.float64)
    N = value.shape[0]
    out = np.zeros((N, NQ, HEADS, DH))
    for n in range(N):
        for l, ((H, W), s0) in enumerate(zip(SHAPES, STARTS)):
            lvl = value[n, s0:s0 + H * W].reshape(H, W, HEADS, DH)
            for q in range(NQ):
                for h in range(HEADS):
                    for p in range(POINTS):
                        lx, ly = loc[n, q, h, l, p]
                        h_im = float(np.float32(ly) * np.float32(H) - np.float32(0.5))
                        w_im = float(np.float32(lx) * np.float32(W) - np.float32(0.5))
                        out[n, q, h] += attn[n, q, h, l, p] * _sample(lvl[:, :, h], h_im, w_im)
    return {"out": out.reshape(N, NQ, HEADS * DH).astype(np.float32)}
