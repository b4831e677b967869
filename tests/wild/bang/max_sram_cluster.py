"""Global max of 100003 floats in one cluster (Union1, 4 tasks): per-core __bang_maxpool lane maxima + __bang_maxequal, scalar tail loop, result parked in __mlu_shared__ SRAM, __sync_cluster, core 0 combines and stores with a scalar GDRAM write."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, coreId split (Union1), __is_mpu branches, __bang_maxpool/__bang_maxequal/__bang_move, scalar fallback loop, NRAM2SRAM/SRAM2NRAM + __sync_cluster"
ENTRY = "max_sram_cluster"
PARAMS = ["x", "result"]
OUTPUTS = ["result"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 1, "tasks": 4}

N = 100003


def make_inputs(rng: np.random.Generator) -> dict:
    x = rng.standard_normal(N).astype(np.float32)
    x[N - 2] = 6.5          # the maximum sits in the scalar tail of the last core
    return {"x": x, "result": np.zeros(1, np.float32)}


def reference(inputs: dict) -> dict:
    return {"result": np.array([inputs["x"].max()], np.float32)}
