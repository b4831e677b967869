"""Column min of a fixed 777x96 matrix: per-core 6-column band by 2-D strided __memcpy, reduced with __bang_minpool (Union4)."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, clusterId*coreDim+coreId, 2-D strided __memcpy, __bang_minpool as reduction"
ENTRY = "colmin_pool"
PARAMS = ["src", "dst"]
OUTPUTS = ["dst"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}

R, C = 777, 96


def make_inputs(rng: np.random.Generator) -> dict:
    return {"src": rng.standard_normal((R, C)).astype(np.float32),
            "dst": np.zeros(C, np.float32)}


def reference(inputs: dict) -> dict:
    return {"dst": inputs["src"].min(axis=0).astype(np.float32)}
