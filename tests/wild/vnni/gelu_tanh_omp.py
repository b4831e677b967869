"""GELU (tanh approximation) over n floats; static inline helper with tanhf, OpenMP parallel for."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for, static inline helper, tanh-form fast gelu, tanhf"
ENTRY = "gelu_forward"
PARAMS = ["out", "x", "n"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(n=4097), dict(n=1000)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=4097) -> dict:
    return {
        "out": np.zeros(n, np.float32),
        "x": (rng.standard_normal(n) * 2.5).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    y = 0.5 * x * (1.0 + np.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))
    return {"out": y.astype(np.float32)}
