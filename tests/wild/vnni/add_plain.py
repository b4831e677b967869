"""Elementwise add of two fixed 1000-float vectors; plain serial loop, size as a local constant (n unused)."""
import numpy as np

ORIGIN = "hand-written: plain serial loop, shape as a local constant, unused size parameter"
ENTRY = "vec_add"
PARAMS = ["out", "a", "b", "n"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(n=1000)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    return {
        "out": np.zeros(n, np.float32),
        "a": rng.standard_normal(n).astype(np.float32),
        "b": (rng.standard_normal(n) * 3.0 + 0.5).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"out": (inputs["a"] + inputs["b"]).astype(np.float32)}
