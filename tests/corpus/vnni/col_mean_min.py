"""Column-wise mean and min of a [rows][cols] float32 matrix, vectorised across columns (no horizontal reduction): rows unrolled by two, _mm512_mask_add_ps / _mm512_min_ps with +inf-filled masked loads on the last column block; OpenMP over column blocks."""
import numpy as np

ENTRY = "col_mean_min_f32"
PARAMS = ["x", "col_mean", "col_min", "rows", "cols"]
OUTPUTS = ["col_mean", "col_min"]
FAMILY = "reduction"
CASES = [dict(rows=64, cols=96), dict(rows=37, cols=41)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}   # min exact; mean of <= 64 float32 terms


def make_inputs(rng: np.random.Generator, rows=64, cols=96) -> dict:
    x = (rng.standard_normal((rows, cols)) + 2.0).astype(np.float32)   # mostly positive: min != 0
    return dict(x=x, col_mean=rng.standard_normal(cols).astype(np.float32),
                col_min=rng.standard_normal(cols).astype(np.float32),
                rows=np.int32(rows), cols=np.int32(cols))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"col_mean": x.mean(axis=0).astype(np.float32), "col_min": x.min(axis=0).astype(np.float32)}
