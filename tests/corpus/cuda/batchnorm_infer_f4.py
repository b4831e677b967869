"""Inference batch norm, NCHW fp32, per-channel gamma/beta/running mean/var and eps folded into scale/shift; blockIdx.y = (n, c) plane, float4 loads/stores on the 16-byte-aligned middle of each plane with a scalar head (up to alignment) and scalar tail.
Traced: N=2, C=3, H=7, W=9 (HW=63): plane 1 (n=0, c=1) starts at element 63 -> head=1 (y[63] by gid 0), float4 groups at elements 64..123 (n4=15), tail 124..125 by gid 0..1; plane 4 (n=1, c=1) starts at 252 -> head=0, n4=15, tail 312..314."""
import numpy as np

ENTRY = "batchnorm_infer_f4_kernel"
PARAMS = ["x", "gamma", "beta", "mean", "var", "y", "N", "C", "H", "W", "eps"]
OUTPUTS = ["y"]
FAMILY = "batchnorm"
CASES = [dict(N=2, C=3, H=7, W=9), dict(N=2, C=16, H=32, W=24), dict(N=1, C=5, H=1, W=3)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, N=2, C=3, H=7, W=9) -> dict:
    return {
        "x": (rng.standard_normal((N, C, H, W)) * 2.0 + 0.5).astype(np.float32),
        "gamma": (1.0 + 0.5 * rng.standard_normal(C)).astype(np.float32),
        "beta": rng.standard_normal(C).astype(np.float32),
        "mean": rng.standard_normal(C).astype(np.float32),
        "var": (0.2 + rng.random(C) * 3.0).astype(np.float32),
        "y": rng.standard_normal((N, C, H, W)).astype(np.float32),   # garbage, fully overwritten
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
        "eps": np.float32(1e-5),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    ch = lambda a: inputs[a].astype(np.float64)[None, :, None, None]
    y = (x - ch("mean")) / np.sqrt(ch("var") + float(inputs["eps"])) * ch("gamma") + ch("beta")
    return {"y": y.astype(np.float32)}
