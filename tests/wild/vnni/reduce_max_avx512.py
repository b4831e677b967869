"""Row-wise max; AVX-512 _mm512_max_ps, masked tail load with -inf fill, _mm512_reduce_max_ps."""
import numpy as np

ORIGIN = "hand-written: AVX-512 intrinsics, masked tail (_mm512_mask_loadu_ps), std::numeric_limits infinity"
ENTRY = "row_max"
PARAMS = ["out", "x", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [dict(rows=37, cols=53), dict(rows=128, cols=1000)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    # all negative on some rows so a 0 fill in the masked tail would be caught
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    x[::3] -= 10.0
    return {
        "out": np.zeros(rows, np.float32),
        "x": x,
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["x"].max(axis=1).astype(np.float32)}
