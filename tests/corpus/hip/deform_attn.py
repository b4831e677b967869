"""Single-scale multi-head deformable attention (Deformable-DETR bilinear sampling, zero padding per corner), #define NH=4, DH=32, NP=4, runtime B/H/W/LQ; block of 128 threads per query, sampling points staged in LDS by the first 16 threads, thread (m, d) gathers channel d of head m; hipLaunchKernelGGL with grid (LQ, B).
Traced: B=2, H=9, W=11, LQ=13, out[1, 12, 127]: block (12, 1), thread 127 (m=3, d=31); points s=12..15 from LDS; pixel (h, w) = ref*(H, W) + off - 0.5; corners outside the map contribute 0."""
import numpy as np

ENTRY = "deform_attn_kernel"
PARAMS = ["value", "ref", "offset", "attw", "out", "B", "H", "W", "LQ"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
NH, DH, NP = 4, 32, 4
CASES = [dict(B=2, H=9, W=11, LQ=13), dict(B=1, H=16, W=16, LQ=20)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, B=2, H=9, W=11, LQ=13) -> dict:
    w = rng.uniform(0.1, 1.0, (B, LQ, NH, NP))
    return {
        "value": rng.standard_normal((B, H * W, NH, DH)).astype(np.float32),
        "ref": rng.uniform(0.0, 1.0, (B, LQ, 2)).astype(np.float32),
        "offset": (rng.standard_normal((B, LQ, NH, NP, 2)) * 3).astype(np.float32),   # some land outside
        "attw": (w / w.sum(axis=-1, keepdims=True)).astype(np.float32),
        "out": rng.standard_normal((B, LQ, NH * DH)).astype(np.float32),
        "B": np.int32(B), "H": np.int32(H), "W": np.int32(W), "LQ": np.int32(LQ),
    }


def reference(inputs: dict) -> dict:
    B, H, W, LQ = (int(inputs[k]) for k in ("B", "H", "W", "LQ"))
    value = inputs["value"].astype(np.float64).reshape(B, H, W, NH, DH)
    ref = inputs["ref"].astype(np.float64)
    off = inputs["offset"].astype(np.float64)
    attw = inputs["attw"].astype(np.float64)
    out = np.zeros((B, LQ, NH, DH))
    for b in range(B):
        for q in range(LQ):
            for m in range(NH):
                for p in range(NP):
                    x = ref[b, q, 0] * W + off[b, q, m, p, 0] - 0.5
                    y = ref[b, q, 1] * H + off[b, q, m, p, 1] - 0.5
                    if not (y > -1 and x > -1 and y < H and x < W):
                        continue
                    y0, x0 = int(np.floor(y)), int(np.floor(x))
                    ly, lx = y - y0, x - x0
                    for yy, xx, wt in ((y0, x0, (1 - ly) * (1 - lx)), (y0, x0 + 1, (1 - ly) * lx),
                                       (y0 + 1, x0, ly * (1 - lx)), (y0 + 1, x0 + 1, ly * lx)):
                        if 0 <= yy < H and 0 <= xx < W:
                            out[b, q, m] += attw[b, q, m, p] * wt * value[b, yy, xx, m]
    return {"out": out.reshape(B, LQ, NH * DH).astype(np.float32)}
