"""y = A x + bias (row-major A); AVX2 FMA over 4 rows at a time sharing x loads, hand horizontal sum
(_mm256_extractf128_ps, _mm_movehl_ps, _mm_shuffle_ps), scalar column and row tails."""
import numpy as np

ORIGIN = "hand-written: AVX2/FMA intrinsics, 4-row register blocking, hand horizontal sum, static inline helper"
ENTRY = "sgemv_bias"
PARAMS = ["y", "A", "x", "bias", "rows", "cols"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(rows=1000, cols=1023), dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=1000, cols=1023) -> dict:
    return {
        "y": np.zeros(rows, np.float32),
        "A": rng.standard_normal((rows, cols)).astype(np.float32),
        "x": rng.uniform(-1.0, 1.0, cols).astype(np.float32),
        "bias": rng.normal(0.0, 0.5, rows).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    y = inputs["A"].astype(np.float64) @ inputs["x"].astype(np.float64) + inputs["bias"]
    return {"y": y.astype(np.float32)}
