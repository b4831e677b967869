"""Row-wise sum of a rows x cols matrix; SSE _mm_add_ps accumulators folded with _mm_hadd_ps, scalar tail."""
import numpy as np

ORIGIN = "hand-written: SSE intrinsics (_mm_loadu_ps, _mm_add_ps, _mm_hadd_ps), two accumulators, scalar tail"
ENTRY = "row_sum"
PARAMS = ["out", "x", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [dict(rows=37, cols=53), dict(rows=100, cols=1023)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    return {
        "out": np.zeros(rows, np.float32),
        "x": (rng.standard_normal((rows, cols)) + 0.25).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["x"].astype(np.float64).sum(axis=1).astype(np.float32)}
