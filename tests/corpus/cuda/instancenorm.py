"""Instance norm, NCHW fp32, affine per-channel gamma/beta, eps; one 128-thread block per (n, c) plane, two-pass mean / biased variance, each a block reduction (__shfl_xor_sync butterflies + per-warp partials in shared memory, broadcast to all threads), rsqrtf.
Traced: N=3, C=4, H=13, W=11 (HW=143, not a multiple of 128): plane 6 = (n=1, c=2) in block 6; thread 5 sums x[6,5] and x[6,133]; thread 20 only x[6,20]; warp 0's total lands in partial[0], lanes 0..3 reload partial[0..3]."""
import numpy as np

ENTRY = "instancenorm_kernel"
PARAMS = ["x", "gamma", "beta", "y", "N", "C", "H", "W", "eps"]
OUTPUTS = ["y"]
FAMILY = "instancenorm"
CASES = [dict(N=3, C=4, H=13, W=11), dict(N=2, C=3, H=32, W=32), dict(N=1, C=2, H=3, W=5)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=3, C=4, H=13, W=11) -> dict:
    x = rng.standard_normal((N, C, H, W)) * (0.5 + 2.0 * rng.random((N, C, 1, 1)))
    x += 3.0 * rng.standard_normal((N, C, 1, 1))                  # per-plane offsets
    return {
        "x": x.astype(np.float32),
        "gamma": (1.0 + 0.5 * rng.standard_normal(C)).astype(np.float32),
        "beta": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, C, H, W)).astype(np.float32),  # garbage, fully overwritten
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
        "eps": np.float32(1e-5),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    g = inputs["gamma"].astype(np.float64)[None, :, None, None]
    b = inputs["beta"].astype(np.float64)[None, :, None, None]
    y = (x - mean) / np.sqrt(var + float(inputs["eps"])) * g + b
    return {"y": y.astype(np.float32)}
