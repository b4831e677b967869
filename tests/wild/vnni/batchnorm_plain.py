"""Training-mode BatchNorm2d on NCHW (batch statistics, biased variance, eps 1e-5, affine); plain loops,
double accumulators; also outputs the batch mean and variance."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nests, double accumulators, folded scale/shift, shapes as parameters"
ENTRY = "batchnorm2d_train"
PARAMS = ["y", "save_mean", "save_var", "x", "weight", "bias", "N", "C", "H", "W"]
OUTPUTS = ["y", "save_mean", "save_var"]
FAMILY = "batchnorm"
CASES = [dict(N=4, C=12, H=17, W=23), dict(N=2, C=32, H=28, W=28)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=4, C=12, H=17, W=23) -> dict:
    shift = rng.normal(0.0, 2.0, (1, C, 1, 1))
    return {
        "y": np.zeros((N, C, H, W), np.float32),
        "save_mean": np.zeros(C, np.float32),
        "save_var": np.zeros(C, np.float32),
        "x": (rng.standard_normal((N, C, H, W)) * rng.uniform(0.5, 3.0, (1, C, 1, 1)) + shift).astype(np.float32),
        "weight": rng.uniform(0.5, 1.5, C).astype(np.float32),
        "bias": rng.normal(0.0, 0.5, C).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    y = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    y = y * inputs["weight"][None, :, None, None] + inputs["bias"][None, :, None, None]
    return {"y": y.astype(np.float32), "save_mean": mean.astype(np.float32), "save_var": var.astype(np.float32)}
