"""Row-wise sum and max of a [rows][cols] float32 matrix; 2x16-lane accumulators, masked tails (-inf fill via _mm512_mask_loadu_ps), _mm512_reduce_add_ps/_mm512_reduce_max_ps."""
import numpy as np

ENTRY = "reduce_sum_max_f32"
PARAMS = ["x", "row_sum", "row_max", "rows", "cols"]
OUTPUTS = ["row_sum", "row_max"]
FAMILY = "reduction"
CASES = [dict(rows=24, cols=300), dict(rows=7, cols=45), dict(rows=3, cols=5)]
TOLERANCE = {"rtol": 1e-5, "atol": 2e-5}   # float32 sums of up to 300 terms, tree order

def make_inputs(rng: np.random.Generator, rows=24, cols=300) -> dict:
    x = (rng.standard_normal((rows, cols)) - 2.0).astype(np.float32)   # mostly negative: max != 0
    return dict(x=x,
                row_sum=rng.standard_normal(rows).astype(np.float32),
                row_max=rng.standard_normal(rows).astype(np.float32),
                rows=np.int32(rows), cols=np.int32(cols))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"row_sum": x.sum(axis=1).astype(np.float32),
            "row_max": x.max(axis=1).astype(np.float32)}
