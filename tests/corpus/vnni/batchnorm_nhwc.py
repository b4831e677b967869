"""BatchNorm inference on NHWC float32 with running mean/var, gamma/beta, runtime eps: per-channel scale/shift folded into aligned buffers, one _mm512_fmadd_ps per 16 channels, masked channel tail, OpenMP over pixels."""
import numpy as np

ENTRY = "batchnorm_nhwc_f32"
PARAMS = ["x", "gamma", "beta", "mean", "var", "y", "pixels", "channels", "eps"]
OUTPUTS = ["y"]
FAMILY = "batchnorm"
CASES = [dict(n=2, h=6, w=5, channels=64), dict(n=3, h=5, w=3, channels=37)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=2, h=6, w=5, channels=64) -> dict:
    pixels = n * h * w
    x = (rng.standard_normal((n, h, w, channels)) * 2.0 + 0.5).astype(np.float32)
    return dict(x=x,
                gamma=(1.0 + 0.3 * rng.standard_normal(channels)).astype(np.float32),
                beta=(0.5 * rng.standard_normal(channels)).astype(np.float32),
                mean=rng.standard_normal(channels).astype(np.float32),
                var=rng.uniform(0.2, 3.0, channels).astype(np.float32),
                y=rng.standard_normal((n, h, w, channels)).astype(np.float32),
                pixels=np.int32(pixels), channels=np.int32(channels), eps=np.float32(1e-5))


def reference(inputs: dict) -> dict:
    f = {k: inputs[k].astype(np.float64) for k in ("x", "gamma", "beta", "mean", "var")}
    y = (f["x"] - f["mean"]) / np.sqrt(f["var"] + float(inputs["eps"])) * f["gamma"] + f["beta"]
    return {"y": y.astype(np.float32)}
