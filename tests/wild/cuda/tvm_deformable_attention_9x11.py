"""Single-scale deformable attention: value[9*11, 2 heads, 8], 17 queries x 4 points, bilinear sampling at loc*size-0.5 with zero padding, weighted by attw -> out[17, 16] (TE compute; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "ms_deform_attn_forward"
PARAMS = ["value", "loc", "attw", "out", "h", "w", "heads", "dim", "queries", "points"]
OUTPUTS = ["out"]
FAMILY = "deformable_attention"
CASES = [dict(h=9, w=11, heads=2, dim=8, queries=17, points=4)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, h=9, w=11, heads=2, dim=8, queries=17, points=4) -> dict:
    value = rng.standard_normal((h * w, heads, dim)).astype(np.float32)
    loc = rng.uniform(-0.05, 1.05, (queries, heads, points, 2)).astype(np.float32)
    attw = rng.dirichlet(np.ones(points), size=(queries, heads)).astype(np.float32)
    out = np.zeros((queries, heads * dim), dtype=np.float32)
    return {
        "value": value,
        "loc": loc,
        "attw": attw,
        "out": out,
        "h": np.int32(h),
        "w": np.int32(w),
        "heads": np.int32(heads),
        "dim": np.int32(dim),
        "queries": np.int32(queries),
        "points": np.int32(points),
    }


def reference(inputs: dict) -> dict:
    value = inputs["value"].astype(np.float64)
    loc = inputs["loc"].astype(np.float64)
    attw = inputs["attw"].astype(np.float64)
    Hh, Ww = 9, 11
    Lq, M, Pn = attw.shape
    D = value.shape[2]
    out = np.zeros((Lq, M, D))
    for q in range(Lq):
        for m in range(M):
            for p in range(Pn):
                x = loc[q, m, p, 0] * Ww - 0.5
                y = loc[q, m, p, 1] * Hh - 0.5
                x0, y0 = int(np.floor(x)), int(np.floor(y))
                fx, fy = x - x0, y - y0
                for yy, xx, wgt in ((y0, x0, (1 - fx) * (1 - fy)), (y0, x0 + 1, fx * (1 - fy)),
                                    (y0 + 1, x0, (1 - fx) * fy), (y0 + 1, x0 + 1, fx * fy)):
                    if 0 <= yy < Hh and 0 <= xx < Ww:
                        out[q, m] += attw[q, m, p] * wgt * value[yy * Ww + xx, m]
    out = out.reshape(Lq, M * D)
    return {"out": np.asarray(out).reshape((17, 16)).astype(np.float32)}
