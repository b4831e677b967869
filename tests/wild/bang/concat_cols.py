"""Concatenation along columns of [300,37], [300,91], [300,16] -> [300,144] with three 2-D strided GDRAM2GDRAM __memcpy per core; Union1 row split."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim with last task taking the remainder, 2-D GDRAM2GDRAM __memcpy"
ENTRY = "concat_cols"
PARAMS = ["a", "b", "c", "out"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 1, "tasks": 4}

R, CA, CB, CC = 300, 37, 91, 16


def make_inputs(rng: np.random.Generator) -> dict:
    return {"a": rng.standard_normal((R, CA)).astype(np.float32),
            "b": rng.standard_normal((R, CB)).astype(np.float32),
            "c": rng.standard_normal((R, CC)).astype(np.float32),
            "out": np.zeros((R, CA + CB + CC), np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"], inputs["c"]], axis=1)}
