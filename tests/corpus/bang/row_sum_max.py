"""Row sum, max and argmax of float32 [rows][300]; Union1 {4,1,1} with remainder rows, 2-D __memcpy into a zero-padded 320-pitch NRAM tile, __bang_sumpool(32 channels) + __bang_reduce_sum (results at stride 32), __bang_argmax (uint32 index at byte 4)."""
import numpy as np

ENTRY = "row_sum_max_kernel"
PARAMS = ["x", "sums", "maxs", "argmax", "rows"]
OUTPUTS = ["sums", "maxs", "argmax"]
FAMILY = "reduction"
CASES = [dict(rows=37), dict(rows=2), dict(rows=70)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

COLS = 300


def make_inputs(rng: np.random.Generator, rows=37) -> dict:
    x = (rng.standard_normal((rows, COLS)) * 3 + rng.standard_normal((rows, 1))).astype(np.float32)
    x[::4, COLS - 1] += 20.0            # some maxima in the last column
    return {
        "x": x,
        "sums": rng.standard_normal(rows).astype(np.float32),
        "maxs": rng.standard_normal(rows).astype(np.float32),
        "argmax": rng.integers(-1000, 1000, rows, dtype=np.int32),
        "rows": np.int32(rows),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    return {
        "sums": x.astype(np.float64).sum(axis=1).astype(np.float32),
        "maxs": x.max(axis=1),
        "argmax": x.argmax(axis=1).astype(np.int32),
    }
