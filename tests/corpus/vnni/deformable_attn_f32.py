"""Single-scale deformable attention sampling (MSDeformAttn core, grid_sample align_corners=False, zero padding): scalar bilinear corner weights, value rows accumulated over HEAD_DIM=24 with _mm512_fmadd_ps and an 8-lane masked tail; OpenMP over (query, head)."""
import numpy as np

ENTRY = "deformable_attn_f32"
PARAMS = ["value", "loc", "attw", "out", "n_query", "heads", "points", "h_in", "w_in"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
CASES = [dict(n_query=12, heads=2, points=4, h_in=6, w_in=8), dict(n_query=7, heads=3, points=3, h_in=5, w_in=9)]
# elements the caller passes where the kernel cannot tell (gathers, unread tails, a
# precondition among sizes): what a user states with `xpiler translate --extent NAME=EXPR`
EXTENTS = {"value": "h_in * w_in * heads * 24"}
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

HEAD_DIM = 24


def make_inputs(rng: np.random.Generator, n_query=12, heads=2, points=4, h_in=6, w_in=8) -> dict:
    loc = rng.uniform(-0.15, 1.15, size=(n_query, heads, points, 2)).astype(np.float32)  # some off the map
    logits = rng.standard_normal((n_query, heads, points))
    attw = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return dict(value=rng.standard_normal((h_in * w_in, heads, HEAD_DIM)).astype(np.float32),
                loc=loc, attw=attw.astype(np.float32),
                out=rng.standard_normal((n_query, heads, HEAD_DIM)).astype(np.float32),
                n_query=np.int32(n_query), heads=np.int32(heads), points=np.int32(points),
                h_in=np.int32(h_in), w_in=np.int32(w_in))


def reference(inputs: dict) -> dict:
    h_in, w_in = int(inputs["h_in"]), int(inputs["w_in"])
    value = inputs["value"].astype(np.float64).reshape(h_in, w_in, -1, HEAD_DIM)   # [y][x][head][d]
    loc = inputs["loc"].astype(np.float64)
    attw = inputs["attw"].astype(np.float64)
    nq, heads, points = attw.shape
    px = loc[..., 0] * w_in - 0.5
    py = loc[..., 1] * h_in - 0.5
    x0, y0 = np.floor(px).astype(int), np.floor(py).astype(int)
    lx, ly = px - x0, py - y0
    head = np.broadcast_to(np.arange(heads)[None, :, None], attw.shape)
    out = np.zeros((nq, heads, HEAD_DIM))
    for dy in (0, 1):
        for dx in (0, 1):
            y, x = y0 + dy, x0 + dx
            w = attw * (ly if dy else 1 - ly) * (lx if dx else 1 - lx)
            ok = (y >= 0) & (y < h_in) & (x >= 0) & (x < w_in)
            rows = value[np.clip(y, 0, h_in - 1), np.clip(x, 0, w_in - 1), head]     # [q][h][p][d]
            out += ((w * ok)[..., None] * rows).sum(axis=2)
    return {"out": out.astype(np.float32)}
