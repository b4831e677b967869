"""Row-wise max reduction, one warp per row with __shfl_xor_sync butterflies, 4 rows per 32x4 block; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, 2-D block (32, 4), warp per row, __shfl_xor_sync butterfly, fmaxf, #pragma unroll, early return"
ENTRY = "row_max_warp"
PARAMS = ["x", "out", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [dict(rows=37, cols=300)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"grid": [10, 1, 1], "block": [32, 4, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, rows=37, cols=300) -> dict:
    return {
        "x": (rng.standard_normal((rows, cols)) * 3.0 - 5.0).astype(np.float32),
        "out": np.zeros(rows, np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["x"].max(axis=1)}
