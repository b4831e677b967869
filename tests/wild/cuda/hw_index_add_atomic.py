"""Scatter-add (torch index_add_ on dim 0) with int64 indices containing duplicates, float atomicAdd, grid-stride loop."""
import numpy as np

ORIGIN = "hand-written: atomicAdd on float, int64_t indices, grid-stride loop with fixed 16x256 launch, output updated in place, output pointer first"
ENTRY = "index_add"
PARAMS = ["out", "index", "src", "n_out", "n_src", "dim"]
OUTPUTS = ["out"]
FAMILY = "scatter"
CASES = [dict(n_out=40, n_src=300, dim=33)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n_out=40, n_src=300, dim=33) -> dict:
    return {
        "out": rng.standard_normal((n_out, dim)).astype(np.float32),
        "index": rng.integers(0, n_out, n_src).astype(np.int64),
        "src": rng.standard_normal((n_src, dim)).astype(np.float32),
        "n_out": np.int32(n_out), "n_src": np.int32(n_src), "dim": np.int32(dim),
    }


def reference(inputs: dict) -> dict:
    out = inputs["out"].astype(np.float64)
    np.add.at(out, inputs["index"], inputs["src"].astype(np.float64))
    return {"out": out.astype(np.float32)}
