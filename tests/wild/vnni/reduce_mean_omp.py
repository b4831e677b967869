"""Mean over the last axis of an [outer, inner] matrix; double accumulator, OpenMP parallel for over rows."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for, double accumulator, shapes as parameters"
ENTRY = "mean_lastdim"
PARAMS = ["out", "x", "outer", "inner"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [dict(outer=64, inner=1000), dict(outer=6, inner=96)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, outer=64, inner=1000) -> dict:
    return {
        "out": np.zeros(outer, np.float32),
        "x": rng.normal(0.5, 2.0, (outer, inner)).astype(np.float32),
        "outer": np.int32(outer),
        "inner": np.int32(inner),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["x"].astype(np.float64).mean(axis=1).astype(np.float32)}
