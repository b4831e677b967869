"""ReLU over 50021 halves, Union1 with 4 tasks split by taskId/taskDim, 8192-half NRAM chunks, scalar loop for the last <64 elements."""
import numpy as np

ORIGIN = "hand-written: device-only, const int shapes, taskId/taskDim split, half data, __bang_active_relu + scalar fallback"
ENTRY = "relu_half"
PARAMS = ["x", "y"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 1, "tasks": 4}

N = 50021


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.uniform(-4.0, 4.0, N).astype(np.float16),
            "y": np.zeros(N, np.float16)}


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    return {"y": np.maximum(x, np.float16(0)).astype(np.float16)}
