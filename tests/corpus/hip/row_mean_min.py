"""Row mean and row min of a [rows, cols] matrix, wavefront per row (4 rows per block), float4 quad loop when cols % 4 == 0 else scalar loop, both partials reduced with __shfl_down from 32, lane 0 stores, <<<>>> launch.
Traced: rows=37, cols=300 (quad path, 75 quads), mean[36]: block 9, wave 0; lane 11 takes quads 11 (cols 44..47) only; lane 0 writes sum/300 and the min. rows=10, cols=333 takes the scalar path."""
import numpy as np

ENTRY = "row_mean_min_kernel"
PARAMS = ["x", "mean", "mn", "rows", "cols"]
OUTPUTS = ["mean", "mn"]
FAMILY = "reduction"
CASES = [dict(rows=37, cols=300), dict(rows=10, cols=333), dict(rows=3, cols=1000)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, cols=300) -> dict:
    return {
        "x": (rng.standard_normal((rows, cols)) * 3 + rng.standard_normal((rows, 1)) * 5).astype(np.float32),
        "mean": rng.standard_normal(rows).astype(np.float32),
        "mn": rng.standard_normal(rows).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"mean": x.mean(axis=1).astype(np.float32), "mn": x.min(axis=1).astype(np.float32)}
