"""Sigmoid of n floats; CNRT host launcher (Union4, dim {16,1,1}) around a kernel that splits n in 128-B aligned task slices."""
import numpy as np

ORIGIN = "hand-written: host launcher (cnrtQueueCreate/cnrtMalloc/cnrtMemcpy, error-check macro), size parameter, __bang_active_sigmoid"
ENTRY = "sigmoid_kernel"
PARAMS = ["x", "y", "n"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(n=1000), dict(n=200003)]
TOLERANCE = {"rtol": 1e-2, "atol": 1e-3}   # bang.md: active_sigmoid error <= 0.01


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    return {"x": rng.uniform(-8.0, 8.0, n).astype(np.float32),
            "y": np.zeros(n, np.float32),
            "n": np.int32(n)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"y": (1.0 / (1.0 + np.exp(-x))).astype(np.float32)}
