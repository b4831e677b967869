"""Single-scale deformable attention sampling (MSDeformAttn forward, one level, batch 1), float32 value[HS*WS][NH][32], loc[Q][NH][4][2] (x, y in [0,1], some outside), attn[Q][NH][4] -> out[Q][NH][32]; bilinear, align_corners=False, zero padding. Block tasks over groups of 8 (query, head) pairs, scalar corner arithmetic, GDRAM2NRAM __memcpy per in-range corner row, __bang_mul_scalar + __bang_add accumulation, one store per group."""
import numpy as np

ENTRY = "deform_attn_single_scale_kernel"
PARAMS = ["value", "loc", "attn", "out", "Q", "NH", "HS", "WS"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
CASES = [dict(Q=16, NH=4, HS=8, WS=12), dict(Q=13, NH=3, HS=7, WS=5)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

DH, P = 32, 4


def make_inputs(rng: np.random.Generator, Q=16, NH=4, HS=8, WS=12) -> dict:
    attn = rng.random((Q, NH, P))
    return {
        "value": rng.standard_normal((HS * WS, NH, DH)).astype(np.float32),
        "loc": rng.uniform(-0.15, 1.15, (Q, NH, P, 2)).astype(np.float32),
        "attn": (attn / attn.sum(-1, keepdims=True)).astype(np.float32),
        "out": rng.standard_normal((Q, NH, DH)).astype(np.float32),
        "Q": np.int32(Q),
        "NH": np.int32(NH),
        "HS": np.int32(HS),
        "WS": np.int32(WS),
    }


def reference(inputs: dict) -> dict:
    HS, WS = int(inputs["HS"]), int(inputs["WS"])
    value = inputs["value"].astype(np.float64).reshape(HS, WS, -1, DH)       # [y][x][head][d]
    loc = inputs["loc"].astype(np.float64)
    attn = inputs["attn"].astype(np.float64)
    Q, NH = attn.shape[:2]
    out = np.zeros((Q, NH, DH))
    for q in range(Q):
        for h in range(NH):
            for p in range(P):
                x = loc[q, h, p, 0] * WS - 0.5
                y = loc[q, h, p, 1] * HS - 0.5
                x0, y0 = int(np.floor(x)), int(np.floor(y))
                for yy, wy in ((y0, 1 - (y - y0)), (y0 + 1, y - y0)):
                    for xx, wx in ((x0, 1 - (x - x0)), (x0 + 1, x - x0)):
                        if 0 <= yy < HS and 0 <= xx < WS:
                            out[q, h] += attn[q, h, p] * wy * wx * value[yy, xx, h]
    return {"out": out.astype(np.float32)}
