"""NHWC -> NCHW permute of a fixed [3,35,29,48] tensor: 64-pixel blocks (ragged last block) transposed with __bang_transpose and written with a 2-D strided __memcpy; Union4."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived block counts, taskId/taskDim round-robin, __bang_transpose, 2-D NRAM2GDRAM __memcpy"
ENTRY = "nhwc_to_nchw"
PARAMS = ["src", "dst"]
OUTPUTS = ["dst"]
FAMILY = "transpose"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}

N, H, W, C = 3, 35, 29, 48


def make_inputs(rng: np.random.Generator) -> dict:
    return {"src": rng.standard_normal((N, H, W, C)).astype(np.float32),
            "dst": np.zeros((N, C, H, W), np.float32)}


def reference(inputs: dict) -> dict:
    return {"dst": np.ascontiguousarray(inputs["src"].transpose(0, 3, 1, 2))}
