"""InstanceNorm (NCHW, per-channel affine), 3x4x13x7, eps 1e-5 (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "instancenorm_fwd"
PARAMS = ["X", "gamma", "beta", "Y", "batch", "channels", "height", "width"]
OUTPUTS = ["Y"]
FAMILY = "instancenorm"
CASES = [dict(batch=3, channels=4, height=13, width=7)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=3, channels=4, height=13, width=7) -> dict:
    X = (rng.standard_normal((batch, channels, height, width)) * 2.0 - 0.4).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (channels,)).astype(np.float32)
    beta = rng.standard_normal((channels,)).astype(np.float32)
    Y = np.zeros((batch, channels, height, width), dtype=np.float32)
    return {
        "X": X,
        "gamma": gamma,
        "beta": beta,
        "Y": Y,
        "batch": np.int32(batch),
        "channels": np.int32(channels),
        "height": np.int32(height),
        "width": np.int32(width),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    gamma = inputs["gamma"].astype(np.float64)
    beta = inputs["beta"].astype(np.float64)
    mu = X.mean(axis=(2, 3), keepdims=True)
    v = ((X - mu) ** 2).mean(axis=(2, 3), keepdims=True)
    Y = (X - mu) / np.sqrt(v + 1e-5) * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
    return {"Y": np.asarray(Y).reshape((3, 4, 13, 7)).astype(np.float32)}
