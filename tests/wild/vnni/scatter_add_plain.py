"""Scatter-add of rows (torch index_add_ with alpha) into a dst updated in place; random valid int32
indices with duplicates, accumulated in source order; plain loops, n_dst only documents dst's size."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, in-place update, unused size parameter, float scalar parameter"
ENTRY = "index_add_rows"
PARAMS = ["dst", "src", "index", "alpha", "n_src", "n_dst", "dim"]
OUTPUTS = ["dst"]
FAMILY = "scatter"
CASES = [dict(n_src=200, n_dst=37, dim=53), dict(n_src=1000, n_dst=500, dim=64)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
EXTENTS = {"dst": "n_dst * dim"}


def make_inputs(rng: np.random.Generator, n_src=200, n_dst=37, dim=53) -> dict:
    return {
        "dst": rng.standard_normal((n_dst, dim)).astype(np.float32),
        "src": rng.standard_normal((n_src, dim)).astype(np.float32),
        "index": rng.integers(0, n_dst, n_src).astype(np.int32),
        "alpha": np.float32(0.5),
        "n_src": np.int32(n_src), "n_dst": np.int32(n_dst), "dim": np.int32(dim),
    }


def reference(inputs: dict) -> dict:
    dst = inputs["dst"].copy()
    upd = (np.float32(inputs["alpha"]) * inputs["src"]).astype(np.float32)
    for i, j in enumerate(inputs["index"]):
        dst[j] += upd[i]
    return {"dst": dst.astype(np.float32)}
