"""InstanceNorm NCHW with per-channel affine gamma/beta, block of 256 (4 wavefronts) per (n, c) plane, two-pass mean / variance; wave sums by __shfl_xor butterfly (32..1), wave totals in LDS folded by wave 0 with __shfl_down (2, 1), broadcast via LDS; eps 1e-5, <<<>>> launch.
Traced: N=2, C=3, H=17, W=19 (HW=323), y[1, 2, 16, 18]: block 5 (plane n=1, c=2), flat 322 -> thread 66 (wave 1, lane 2), its second strided element; y = x*gamma[2]*rstd + (beta[2] - mean*gamma[2]*rstd)."""
import numpy as np

ENTRY = "instancenorm_nchw_kernel"
PARAMS = ["x", "gamma", "beta", "y", "N", "C", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "instancenorm"
CASES = [dict(N=2, C=3, H=17, W=19), dict(N=1, C=4, H=32, W=32), dict(N=3, C=2, H=5, W=7)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=2, C=3, H=17, W=19) -> dict:
    return {
        "x": (rng.standard_normal((N, C, H, W)) * rng.uniform(0.5, 3, (N, C, 1, 1))
              + rng.standard_normal((N, C, 1, 1)) * 4).astype(np.float32),
        "gamma": (1 + 0.5 * rng.standard_normal(C)).astype(np.float32),
        "beta": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    g = inputs["gamma"].astype(np.float64)[None, :, None, None]
    b = inputs["beta"].astype(np.float64)[None, :, None, None]
    return {"y": ((x - mean) / np.sqrt(var + 1e-5) * g + b).astype(np.float32)}
