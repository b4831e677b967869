"""sin of a fixed 37x53 float grid, Union1: each of the 4 cores (coreId) converts one quarter with __bang_active_sin."""
import numpy as np

ORIGIN = "hand-written: device-only, enum shapes, coreId-only split (Union1, 4 tasks), __bang_active_sin"
ENTRY = "sin_union1"
PARAMS = ["x", "y"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}   # active_sin is approximate (no bound stated in bang.md)
LAUNCH = {"union": 1, "tasks": 4}

H, W = 37, 53


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.uniform(-2 * np.pi, 2 * np.pi, (H, W)).astype(np.float32),
            "y": np.zeros((H, W), np.float32)}


def reference(inputs: dict) -> dict:
    return {"y": np.sin(inputs["x"].astype(np.float64)).astype(np.float32)}
