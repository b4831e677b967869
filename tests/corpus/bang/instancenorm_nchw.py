"""Instance norm NCHW float32 with per-channel affine, eps 1e-5, runtime C <= 64, H*W <= 512; planes split over Union1 {4,1,1} with remainder tasks, up to 4 planes per 2-D __memcpy into a zero-padded NRAM tile (pitch H*W padded to 32), plane sums via __bang_sumpool + __bang_reduce_sum, centring with __bang_sub_scalar, variance from __bang_mul + the same reduction, rstd*gamma / beta via __bang_mul_scalar / __bang_add_scalar."""
import numpy as np

ENTRY = "instancenorm_nchw_kernel"
PARAMS = ["x", "gamma", "beta", "y", "N", "C", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "instancenorm"
CASES = [dict(N=2, C=12, H=9, W=11), dict(N=3, C=5, H=16, W=16)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=2, C=12, H=9, W=11) -> dict:
    return {
        "x": (rng.standard_normal((N, C, H, W)) * 2 + rng.standard_normal((N, C, 1, 1)) * 3).astype(np.float32),
        "gamma": (1 + 0.5 * rng.standard_normal(C)).astype(np.float32),
        "beta": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "N": np.int32(N),
        "C": np.int32(C),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    g = inputs["gamma"].astype(np.float64)[None, :, None, None]
    b = inputs["beta"].astype(np.float64)[None, :, None, None]
    return {"y": ((x - mean) / np.sqrt(var + 1e-5) * g + b).astype(np.float32)}
