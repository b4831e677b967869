"""Row softmax (fp32), one 128-thread block per row, expf(x - rowmax), block max/sum by shared-memory tree reductions; cols need not divide 128.
Traced: rows=37, cols=1000: block 5, tid 100 reads x[5,100], x[5,228], ..., x[5,996] (8 elements), writes y[5, same] = exp(x - m5) / s5."""
import numpy as np

ENTRY = "softmax_rows_kernel"
PARAMS = ["x", "y", "rows", "cols"]
OUTPUTS = ["y"]
FAMILY = "softmax"
CASES = [dict(rows=37, cols=1000), dict(rows=8, cols=50), dict(rows=3, cols=128)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


def make_inputs(rng: np.random.Generator, rows=37, cols=1000) -> dict:
    return {
        "x": (rng.standard_normal((rows, cols)) * 5.0 + rng.standard_normal((rows, 1)) * 20.0).astype(np.float32),
        "y": rng.standard_normal((rows, cols)).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"y": (e / e.sum(axis=1, keepdims=True)).astype(np.float32)}
