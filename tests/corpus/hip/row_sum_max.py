"""Per-row sum and max (two outputs), block per row, wavefront __shfl_down reduction from offset 32 + LDS per-wave partials, <<<>>> launch.
Traced: rows=7, cols=1000, row_sum[6]: block 6, thread t sums x[6, t::256] (t<232 get 4 values, others 3), wave w lane 0 -> s_sum[w], wave 0 lanes 0..3 reduce -> row_sum[6]."""
import numpy as np

ENTRY = "row_sum_max_kernel"
PARAMS = ["x", "row_sum", "row_max", "rows", "cols"]
OUTPUTS = ["row_sum", "row_max"]
FAMILY = "reduction"
CASES = [dict(rows=7, cols=1000), dict(rows=33, cols=77), dict(rows=4, cols=4096)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=7, cols=1000) -> dict:
    x = (rng.standard_normal((rows, cols)) * 3 + rng.standard_normal((rows, 1)) * 5).astype(np.float32)
    return {
        "x": x,
        "row_sum": rng.standard_normal(rows).astype(np.float32),
        "row_max": rng.standard_normal(rows).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"row_sum": x.sum(axis=1).astype(np.float32), "row_max": x.max(axis=1).astype(np.float32)}
