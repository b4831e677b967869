"""InstanceNorm on NCHW float32 with per-channel gamma/beta and runtime eps: two-pass mean/variance per (n, c) plane with _mm512_reduce_add_ps, masked plane tail, affine folded into one _mm512_fmadd_ps; OpenMP over planes."""
import numpy as np

ENTRY = "instancenorm_nchw_f32"
PARAMS = ["x", "gamma", "beta", "y", "n", "c", "hw", "eps"]
OUTPUTS = ["y"]
FAMILY = "instancenorm"
CASES = [dict(n=2, c=4, h=8, w=12), dict(n=3, c=5, h=7, w=9)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=2, c=4, h=8, w=12) -> dict:
    x = (rng.standard_normal((n, c, h, w)) * 1.5 + rng.standard_normal((n, c, 1, 1)) * 3.0).astype(np.float32)
    return dict(x=x,
                gamma=(1.0 + 0.3 * rng.standard_normal(c)).astype(np.float32),
                beta=(0.5 * rng.standard_normal(c)).astype(np.float32),
                y=rng.standard_normal((n, c, h, w)).astype(np.float32),
                n=np.int32(n), c=np.int32(c), hw=np.int32(h * w), eps=np.float32(1e-5))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=(2, 3), keepdims=True)
    var = ((x - mean) ** 2).mean(axis=(2, 3), keepdims=True)
    g = inputs["gamma"].astype(np.float64)[None, :, None, None]
    b = inputs["beta"].astype(np.float64)[None, :, None, None]
    return {"y": ((x - mean) / np.sqrt(var + float(inputs["eps"])) * g + b).astype(np.float32)}
