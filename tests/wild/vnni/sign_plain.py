"""sign() over a #define-fixed 1023 floats (n passed but the loop uses N); inputs contain exact zeros."""
import numpy as np

ORIGIN = "hand-written: plain serial loop, #define shape, size parameter ignored, branch-free bool arithmetic"
ENTRY = "sign_f32"
PARAMS = ["out", "in", "n"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(n=1023)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, n=1023) -> dict:
    x = rng.standard_normal(n).astype(np.float32)
    x[rng.choice(n, n // 7, replace=False)] = 0.0
    return {"out": np.full(n, 7.0, np.float32), "in": x, "n": np.int32(n)}


def reference(inputs: dict) -> dict:
    return {"out": np.sign(inputs["in"]).astype(np.float32)}
