"""Row-broadcast subtraction x - bias over a fixed 1000x53 matrix, Union4, 64-row tiles dealt cyclically, __bang_cycle_sub."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, clusterId*4+coreId with literal stride 16, __bang_cycle_sub"
ENTRY = "sub_rowbias"
PARAMS = ["x", "bias", "out"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
LAUNCH = {"union": 4, "tasks": 16}

R, C = 1000, 53


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((R, C)).astype(np.float32),
            "bias": rng.uniform(-1.0, 1.0, C).astype(np.float32),
            "out": np.zeros((R, C), np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": (inputs["x"] - inputs["bias"][None, :]).astype(np.float32)}
