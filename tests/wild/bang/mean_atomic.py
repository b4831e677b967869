"""Mean of 262147 floats: per-core NRAM partial sums (sumpool + reduce_sum), __sync_all, then __bang_atomic_reduce_add into out[0]."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim split, __gdramset + __sync_all + __bang_atomic_reduce_add, zero-padded tail"
ENTRY = "mean_atomic"
PARAMS = ["data", "out"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"union": 4, "tasks": 16}

N = 262147


def make_inputs(rng: np.random.Generator) -> dict:
    return {"data": rng.uniform(-0.5, 2.0, N).astype(np.float32),
            "out": np.full(1, 7.0, np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": np.array([inputs["data"].astype(np.float64).mean()], np.float32)}
