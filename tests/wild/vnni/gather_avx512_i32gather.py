"""torch.gather along the last axis (out[r, j] = src[r, idx[r, j]]); AVX-512 _mm512_i32gather_ps,
masked gather and store for the row tail."""
import numpy as np

ORIGIN = "hand-written: AVX-512 gather intrinsics (_mm512_i32gather_ps, _mm512_mask_i32gather_ps), masked tail"
ENTRY = "gather_lastdim"
PARAMS = ["out", "src", "idx", "rows", "src_cols", "cols"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(rows=37, src_cols=200, cols=53), dict(rows=64, src_cols=1000, cols=96)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
EXTENTS = {"src": "rows * src_cols"}


def make_inputs(rng: np.random.Generator, rows=37, src_cols=200, cols=53) -> dict:
    return {
        "out": np.zeros((rows, cols), np.float32),
        "src": rng.standard_normal((rows, src_cols)).astype(np.float32),
        "idx": rng.integers(0, src_cols, (rows, cols)).astype(np.int32),
        "rows": np.int32(rows), "src_cols": np.int32(src_cols), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.take_along_axis(inputs["src"], inputs["idx"].astype(np.int64), axis=1).astype(np.float32)}
