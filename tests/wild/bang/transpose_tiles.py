"""2-D transpose of a fixed 333x517 float matrix in 64x64 tiles (ragged edge tiles): 2-D strided __memcpy in, __bang_transpose, 2-D strided __memcpy out; Union4 round-robin over tiles."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived tile counts, taskId/taskDim round-robin, 2-D __memcpy both ways, __bang_transpose"
ENTRY = "transpose_tiles"
PARAMS = ["in", "out"]
OUTPUTS = ["out"]
FAMILY = "transpose"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}

R, C = 333, 517


def make_inputs(rng: np.random.Generator) -> dict:
    return {"in": rng.standard_normal((R, C)).astype(np.float32),
            "out": np.zeros((C, R), np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": np.ascontiguousarray(inputs["in"].T)}
