"""Inference batch norm NHWC float32, runtime C <= 128, eps 1e-5: y = (x - mean) / sqrt(var + eps) * gamma + beta; scale/shift folded once per task in NRAM (__bang_add_scalar, __bang_sqrt, __bang_div, __bang_mul, __bang_sub), pixels split over Union1 {8,1,1} with remainder tasks, 1024-float NRAM tiles of whole pixels (shorter last tile), __bang_cycle_mul/__bang_cycle_add."""
import numpy as np

ENTRY = "batchnorm_nhwc_kernel"
PARAMS = ["x", "mean", "var", "gamma", "beta", "y", "N", "H", "W", "C"]
OUTPUTS = ["y"]
FAMILY = "batchnorm"
CASES = [dict(N=2, H=10, W=12, C=64), dict(N=3, H=7, W=13, C=45)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, N=2, H=8, W=8, C=64) -> dict:
    return {
        "x": (rng.standard_normal((N, H, W, C)) * 3 + 1).astype(np.float32),
        "mean": rng.standard_normal(C).astype(np.float32),
        "var": rng.uniform(0.1, 4.0, C).astype(np.float32),
        "gamma": (1 + 0.5 * rng.standard_normal(C)).astype(np.float32),
        "beta": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
        "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    f = {k: inputs[k].astype(np.float64) for k in ("x", "mean", "var", "gamma", "beta")}
    y = (f["x"] - f["mean"]) / np.sqrt(f["var"] + 1e-5) * f["gamma"] + f["beta"]
    return {"y": y.astype(np.float32)}
