"""Row-wise mean and min of a [rows, cols] fp32 matrix: one warp per row (8 per block), lane-strided loads, __shfl_down_sync trees for sum and fminf, lane 0 stores mean = sum / cols and min; cols not a multiple of 32, rows not of 8.
Traced: rows=21, cols=100: row 19 -> block 2, warp 3; lane 5 reads columns 5, 37, 69 (101 >= cols), lanes 0..3 a fourth one (96..99); block 2 warps 5..7 (rows 21..23) exit."""
import numpy as np

ENTRY = "reduce_rows_mean_min_kernel"
PARAMS = ["x", "mean", "mins", "rows", "cols"]
OUTPUTS = ["mean", "mins"]
FAMILY = "reduction"
CASES = [dict(rows=21, cols=100), dict(rows=64, cols=256), dict(rows=3, cols=5)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=21, cols=100) -> dict:
    x = rng.standard_normal((rows, cols)) * 2.0 + rng.standard_normal((rows, 1)) * 4.0  # per-row offsets
    return {
        "x": x.astype(np.float32),
        "mean": rng.standard_normal(rows).astype(np.float32),  # garbage, fully overwritten
        "mins": rng.standard_normal(rows).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"mean": x.mean(axis=1).astype(np.float32), "mins": x.min(axis=1).astype(np.float32)}
