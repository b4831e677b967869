"""Scatter-add (index_add_ over rows): 2000 rows of 64 floats added into a 512-row output at random repeated int32 indices, via vector __bang_atomic_reduce_add to GDRAM; Union4."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim ceil split, NRAM blocks with tail, data-dependent GDRAM atomic adds"
ENTRY = "scatter_add_atomic"
PARAMS = ["src", "idx", "out"]
OUTPUTS = ["out"]
FAMILY = "scatter"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}   # atomic order differs between runs
LAUNCH = {"union": 4, "tasks": 16}
EXTENTS = {"out": "512 * 64"}

NS, ND, D = 2000, 512, 64


def make_inputs(rng: np.random.Generator) -> dict:
    return {"src": rng.standard_normal((NS, D)).astype(np.float32),
            "idx": rng.integers(0, ND, NS).astype(np.int32),
            "out": rng.uniform(-1.0, 1.0, (ND, D)).astype(np.float32)}


def reference(inputs: dict) -> dict:
    out = inputs["out"].astype(np.float64).copy()
    np.add.at(out, inputs["idx"], inputs["src"].astype(np.float64))
    return {"out": out.astype(np.float32)}
