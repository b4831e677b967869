"""Row max and argmax of a fixed 64x1023 matrix via __bang_argmax (value at dst[0], uint32 index at byte 4), Union1, 4 tasks."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim blocks of rows, __bang_argmax, results gathered in NRAM"
ENTRY = "rowmax_argmax"
PARAMS = ["x", "max_out", "arg_out"]
OUTPUTS = ["max_out", "arg_out"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 1, "tasks": 4}

ROWS, COLS = 64, 1023


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((ROWS, COLS)).astype(np.float32),
            "max_out": np.zeros(ROWS, np.float32),
            "arg_out": np.zeros(ROWS, np.int32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    return {"max_out": x.max(axis=1).astype(np.float32),
            "arg_out": x.argmax(axis=1).astype(np.int32)}
