"""InstanceNorm2d with affine gamma/beta on NCHW, eps 1e-5; Welford mean/variance per plane,
OpenMP parallel for collapse(2) over (n, c)."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), Welford running statistics, sqrtf"
ENTRY = "instance_norm"
PARAMS = ["out", "in", "gamma", "beta", "N", "C", "H", "W"]
OUTPUTS = ["out"]
FAMILY = "instancenorm"
CASES = [dict(N=3, C=16, H=37, W=29), dict(N=1, C=8, H=64, W=64)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=3, C=16, H=37, W=29) -> dict:
    return {
        "out": np.zeros((N, C, H, W), np.float32),
        "in": (rng.standard_normal((N, C, H, W)) * 1.7 + rng.normal(0, 1.0, (N, C, 1, 1))).astype(np.float32),
        "gamma": rng.uniform(0.5, 1.5, C).astype(np.float32),
        "beta": rng.normal(0.0, 0.3, C).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    mu = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * inputs["gamma"][None, :, None, None] + inputs["beta"][None, :, None, None]
    return {"out": y.astype(np.float32)}
