"""BatchNorm2d forward in training mode on a fixed 4x16x14x13 NCHW tensor: a per-channel statistics kernel, then a normalize kernel."""
import numpy as np

ORIGIN = "hand-written: #define shapes (TOTAL = N*C*H*W), two kernels in sequence, shared-memory tree reduction of sum and sum of squares, rsqrtf, no size parameters at all"
ENTRY = "batchnorm_kernel"
PARAMS = ["x", "gamma", "beta", "y", "save_mean", "save_var"]
OUTPUTS = ["y", "save_mean", "save_var"]
FAMILY = "batchnorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

N, C, H, W = 4, 16, 14, 13


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "x": (rng.standard_normal((N, C, H, W)) * rng.uniform(0.5, 2.0, (1, C, 1, 1))
              + rng.uniform(-1.0, 1.0, (1, C, 1, 1))).astype(np.float32),
        "gamma": rng.uniform(0.5, 1.5, C).astype(np.float32),
        "beta": rng.uniform(-0.5, 0.5, C).astype(np.float32),
        "y": np.zeros((N, C, H, W), np.float32),
        "save_mean": np.zeros(C, np.float32),
        "save_var": np.zeros(C, np.float32),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(0, 2, 3))
    var = x.var(axis=(0, 2, 3))
    g = inputs["gamma"].astype(np.float64)[None, :, None, None]
    b = inputs["beta"].astype(np.float64)[None, :, None, None]
    y = (x - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5) * g + b
    return {"y": y.astype(np.float32), "save_mean": mean.astype(np.float32),
            "save_var": var.astype(np.float32)}
