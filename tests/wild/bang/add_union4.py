"""Element-wise add of two 100003-float vectors, Union4 over 16 cores, 4096-float NRAM chunks with a padded tail."""
import numpy as np

ORIGIN = "hand-written: device-only, shape as #define, clusterId*coreDim+coreId split, NRAM chunk loop with tail, __bang_add"
ENTRY = "add_union4"
PARAMS = ["a", "b", "out"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
LAUNCH = {"union": 4, "tasks": 16}

N = 100003


def make_inputs(rng: np.random.Generator) -> dict:
    return {"a": rng.standard_normal(N).astype(np.float32),
            "b": rng.uniform(-3.0, 3.0, N).astype(np.float32),
            "out": np.zeros(N, np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": (inputs["a"] + inputs["b"]).astype(np.float32)}
