"""Scatter-add of float32 rows out[idx[i]] += src[i] with repeated ids and skipped out-of-range ids; sequential over i, 2x-unrolled AVX-512 row add, masked tail (_mm512_mask_loadu_ps/_mm512_mask_storeu_ps)."""
import numpy as np

ENTRY = "scatter_add_rows_f32"
PARAMS = ["src", "idx", "out", "n_src", "n_out", "dim"]
OUTPUTS = ["out"]
FAMILY = "scatter"
# rows are read only for valid indices, so the touched extent depends on the data: stated
EXTENTS = {"src": "n_src * dim", "out": "n_out * dim"}
CASES = [dict(n_src=96, n_out=24, dim=64), dict(n_src=53, n_out=11, dim=45)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}   # up to ~10 float32 adds per element, in index order


def make_inputs(rng: np.random.Generator, n_src=96, n_out=24, dim=64) -> dict:
    idx = rng.integers(0, n_out, size=n_src).astype(np.int32)        # many duplicates
    idx[rng.integers(0, n_src, size=max(1, n_src // 12))] = -1        # skipped
    idx[rng.integers(0, n_src)] = n_out                               # first invalid id
    return dict(src=rng.standard_normal((n_src, dim)).astype(np.float32),
                idx=idx,
                out=rng.standard_normal((n_out, dim)).astype(np.float32),
                n_src=np.int32(n_src), n_out=np.int32(n_out), dim=np.int32(dim))


def reference(inputs: dict) -> dict:
    idx = inputs["idx"]
    out = inputs["out"].astype(np.float64)
    valid = (idx >= 0) & (idx < out.shape[0])
    np.add.at(out, idx[valid], inputs["src"][valid].astype(np.float64))   # unbuffered: duplicates add up
    return {"out": out.astype(np.float32)}
