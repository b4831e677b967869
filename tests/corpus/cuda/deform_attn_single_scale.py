"""Single-scale multi-head deformable attention (Deformable DETR ms_deform_attn_im2col, one level), fp32: per (b, q, head) P sampling points ref[b,q] + off[b,q,m,p] / (Ws, Hs), bilinear sampling of value[b, :, m, :] (align_corners=False pixel mapping, zero outside the image), weighted by attn[b,q,m,p]; one thread per output element in a grid-stride loop, __ldg loads.
Traced: B=2, Q=10, NH=4, D=8, P=4, Hs=6, Ws=7: out[1,3,2*8+5] = flat 429 -> block 1, thread 173; c=5, m=2, bq=13 (b=1); points pt0 = (13*4+2)*4 = 216..219."""
import numpy as np

ENTRY = "deform_attn_single_scale_kernel"
PARAMS = ["value", "ref", "off", "attn", "out", "B", "Q", "NH", "D", "P", "Hs", "Ws"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
CASES = [dict(B=2, Q=10, NH=4, D=8, P=4, Hs=6, Ws=7), dict(B=1, Q=33, NH=2, D=16, P=3, Hs=5, Ws=9)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, B=2, Q=10, NH=4, D=8, P=4, Hs=6, Ws=7) -> dict:
    logits = rng.standard_normal((B, Q, NH, P))
    attn = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    return {
        "value": rng.standard_normal((B, Hs * Ws, NH, D)).astype(np.float32),
        "ref": rng.random((B, Q, 2)).astype(np.float32),
        # offsets of a few pixels: many points leave the image (partly or wholly)
        "off": (rng.standard_normal((B, Q, NH, P, 2)) * 2.5).astype(np.float32),
        "attn": attn.astype(np.float32),
        "out": rng.standard_normal((B, Q, NH * D)).astype(np.float32),  # garbage, fully overwritten
        "B": np.int32(B), "Q": np.int32(Q), "NH": np.int32(NH), "D": np.int32(D), "P": np.int32(P),
        "Hs": np.int32(Hs), "Ws": np.int32(Ws),
    }


def reference(inputs: dict) -> dict:
    B, Q, NH, D, P, Hs, Ws = (int(inputs[k]) for k in ("B", "Q", "NH", "D", "P", "Hs", "Ws"))
    value = inputs["value"].astype(np.float64).reshape(B, Hs, Ws, NH, D)
    ref = inputs["ref"].astype(np.float64)[:, :, None, None, :]           # B Q 1 1 2
    loc = ref + inputs["off"].astype(np.float64) / np.array([Ws, Hs])     # B Q NH P 2
    x = loc[..., 0] * Ws - 0.5                                            # pixel coordinates
    y = loc[..., 1] * Hs - 0.5
    x0, y0 = np.floor(x), np.floor(y)
    out = np.zeros((B, Q, NH, D))
    bi = np.arange(B)[:, None, None, None]
    mi = np.arange(NH)[None, None, :, None]
    for dy in (0, 1):
        for dx in (0, 1):
            yy, xx = y0 + dy, x0 + dx
            wgt = (1.0 - np.abs(y - yy)) * (1.0 - np.abs(x - xx))         # bilinear corner weight
            ok = (yy >= 0) & (yy < Hs) & (xx >= 0) & (xx < Ws)           # zero padding
            yc = np.clip(yy, 0, Hs - 1).astype(int)
            xc = np.clip(xx, 0, Ws - 1).astype(int)
            corner = value[bi, yc, xc, mi]                                # B Q NH P D
            w = np.where(ok, wgt, 0.0) * inputs["attn"].astype(np.float64)
            out += (w[..., None] * corner).sum(axis=3)
    return {"out": out.reshape(B, Q, NH * D).astype(np.float32)}
