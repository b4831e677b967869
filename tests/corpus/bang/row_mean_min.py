"""Row mean and row min of float32 x[rows][cols], runtime cols <= 512; Union1 {4,1,1} with remainder rows, 2-D __memcpy of up to 8 rows into a zero-padded NRAM tile (pitch padded to 32 floats), __bang_sumpool + __bang_reduce_sum sums times 1/cols, __bang_argmin over the valid columns for the min (positive-shifted rows make a wrong zero-pad minimum visible)."""
import numpy as np

ENTRY = "row_mean_min_kernel"
PARAMS = ["x", "means", "mins", "rows", "cols"]
OUTPUTS = ["means", "mins"]
FAMILY = "reduction"
CASES = [dict(rows=45, cols=300), dict(rows=7, cols=512)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=45, cols=300) -> dict:
    x = rng.standard_normal((rows, cols)) + rng.uniform(-2, 6, (rows, 1))   # some rows entirely > 0
    return {
        "x": x.astype(np.float32),
        "means": rng.standard_normal(rows).astype(np.float32),
        "mins": rng.standard_normal(rows).astype(np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"means": x.mean(axis=1).astype(np.float32), "mins": x.min(axis=1).astype(np.float32)}
