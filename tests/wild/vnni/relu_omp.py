"""ReLU over a rows x cols matrix, std::max, OpenMP parallel for collapse(2)."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), std::max, shapes as parameters"
ENTRY = "relu_2d"
PARAMS = ["out", "in", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(rows=37, cols=53), dict(rows=64, cols=100)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    return {
        "out": np.zeros((rows, cols), np.float32),
        "in": (rng.standard_normal((rows, cols)) * 2.0 - 0.3).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.maximum(inputs["in"], np.float32(0.0)).astype(np.float32)}
