"""Row softmax with max subtraction; OpenMP parallel region + omp for, per-thread std::vector scratch, expf."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel region with omp for, std::vector scratch, -numeric_limits infinity, std::max, expf"
ENTRY = "softmax_rows"
PARAMS = ["out", "logits", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "softmax"
CASES = [dict(rows=6, cols=96), dict(rows=100, cols=1000)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


def make_inputs(rng: np.random.Generator, rows=6, cols=96) -> dict:
    return {
        "out": np.zeros((rows, cols), np.float32),
        "logits": (rng.standard_normal((rows, cols)) * 4.0 + 3.0).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["logits"].astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"out": (e / e.sum(axis=1, keepdims=True)).astype(np.float32)}
