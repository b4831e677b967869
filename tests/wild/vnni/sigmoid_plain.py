"""Sigmoid over a #define-fixed 3000 floats via 0.5*tanh(0.5x)+0.5; plain loop, no size parameter."""
import numpy as np

ORIGIN = "hand-written: plain serial loop, #define shape, fast-math tanh form of sigmoid"
ENTRY = "sigmoid"
PARAMS = ["y", "x"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "y": np.zeros(3000, np.float32),
        "x": rng.uniform(-12.0, 12.0, 3000).astype(np.float32),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"y": (1.0 / (1.0 + np.exp(-x))).astype(np.float32)}
