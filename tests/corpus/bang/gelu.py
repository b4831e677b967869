"""GELU (tanh approximation) over float32 of runtime length; Union1 {4,1,1}, per-task slices with remainder, ping-pong NRAM with __memcpy_async prefetch + __sync_io, __bang_active_gelu on a 128-B padded count (hardware approximates: tolerance 1e-2)."""
import numpy as np

ENTRY = "gelu_f32_kernel"
PARAMS = ["x", "y", "n"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(n=5003), dict(n=2050)]
TOLERANCE = {"rtol": 1e-2, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, n=5003) -> dict:
    return {
        "x": (rng.standard_normal(n) * 2.5).astype(np.float32),
        "y": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    y = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    return {"y": y.astype(np.float32)}
