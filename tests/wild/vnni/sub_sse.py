"""Elementwise a - b with SSE (_mm_loadu_ps/_mm_sub_ps) and a scalar tail; n a parameter."""
import numpy as np

ORIGIN = "hand-written: SSE intrinsics, scalar tail loop, size as a parameter"
ENTRY = "sub_f32_sse"
PARAMS = ["out", "a", "b", "n"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(n=1023), dict(n=1961)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=1023) -> dict:
    return {
        "out": np.zeros(n, np.float32),
        "a": rng.uniform(-4.0, 4.0, n).astype(np.float32),
        "b": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"out": (inputs["a"] - inputs["b"]).astype(np.float32)}
