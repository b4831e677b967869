"""InstanceNorm2d (affine) on NCHW, one 128-thread block per (n, c) plane, shifted single-pass sums in LDS, folded scale/offset."""
import numpy as np

ORIGIN = "hand-written: static const int block size used in kernel and launcher, LDS tree reduction of two sums, shifted-data variance, rsqrtf, scale/offset folding, HIP_CHECK macro, hipLaunchKernelGGL"
ENTRY = "instance_norm"
PARAMS = ["x", "weight", "bias", "y", "N", "C", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "instancenorm"
CASES = [dict(N=2, C=5, H=23, W=23), dict(N=1, C=3, H=7, W=50)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=2, C=5, H=23, W=23) -> dict:
    return {
        "x": (rng.standard_normal((N, C, H, W)) * rng.uniform(0.5, 3.0, (N, C, 1, 1))
              + rng.uniform(-2.0, 2.0, (N, C, 1, 1))).astype(np.float32),
        "weight": rng.uniform(0.5, 1.5, C).astype(np.float32),
        "bias": rng.uniform(-0.5, 0.5, C).astype(np.float32),
        "y": np.zeros((N, C, H, W), np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = x.var(axis=(2, 3), keepdims=True)
    y = (x - mean) / np.sqrt(var + 1e-5) * inputs["weight"][None, :, None, None] + inputs["bias"][None, :, None, None]
    return {"y": y.astype(np.float32)}
