"""Row softmax of a fixed 256x1000 float matrix, Union4 16 rows per core: maxpool for the max, __bang_active_exp, sumpool+reduce_sum."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim row blocks, __bang_maxpool/__bang_active_exp/__bang_sumpool/__bang_reduce_sum/__bang_mul_scalar"
ENTRY = "softmax_rows"
PARAMS = ["input", "output"]
OUTPUTS = ["output"]
FAMILY = "softmax"
CASES = [{}]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-6}   # active_exp is approximate
LAUNCH = {"union": 4, "tasks": 16}

R, C = 256, 1000


def make_inputs(rng: np.random.Generator) -> dict:
    return {"input": (rng.standard_normal((R, C)) * 3.0).astype(np.float32),
            "output": np.zeros((R, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"output": (e / e.sum(axis=1, keepdims=True)).astype(np.float32)}
