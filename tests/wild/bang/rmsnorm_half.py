"""RMSNorm (eps 1e-6) of 129 tokens x 512 halves with a half weight, float math; Union1, tokens strided by taskDim; __bang_square + __bang_reduce_sum."""
import numpy as np

ORIGIN = "hand-written: device-only, const int shapes, taskId stride loop, half in/out with float accumulation, __bang_half2float/__bang_square/__bang_reduce_sum/__bang_float2half_rn, scalar sqrtf"
ENTRY = "rmsnorm_half"
PARAMS = ["x", "weight", "y"]
OUTPUTS = ["y"]
FAMILY = "rmsnorm"
CASES = [{}]
TOLERANCE = {"rtol": 2e-3, "atol": 2e-3}   # half output
LAUNCH = {"union": 1, "tasks": 4}

T, H = 129, 512


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": (rng.standard_normal((T, H)) * 2.0).astype(np.float16),
            "weight": rng.uniform(0.5, 1.5, H).astype(np.float16),
            "y": np.zeros((T, H), np.float16)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["weight"].astype(np.float64)
    y = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-6) * w
    return {"y": y.astype(np.float16)}
