"""GELU (tanh form) of a fixed 1023x96 float tensor, Union4 over 16 cores, 40 rows per NRAM trip."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim row split, __bang_active_gelu"
ENTRY = "gelu_act"
PARAMS = ["input", "output"]
OUTPUTS = ["output"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 3e-3, "atol": 1e-3}   # bang.md: active_gelu relative error <= 0.003
LAUNCH = {"union": 4, "tasks": 16}

ROWS, COLS = 1023, 96


def make_inputs(rng: np.random.Generator) -> dict:
    return {"input": (rng.standard_normal((ROWS, COLS)) * 2.0).astype(np.float32),
            "output": np.zeros((ROWS, COLS), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    y = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    return {"output": y.astype(np.float32)}
