"""Transpose out[cols][rows] = inp[rows][cols] (fp32) via a __shared__ 32x33 tile (padding column), 32x8 threads x 4 rows each, guarded edge tiles.
Traced: rows=100, cols=75: out[70,97] = inp[97,70] -> block (x=2, y=3); loaded by thread (x=6, y=1) at j=0 into tile[1][6]; stored by thread (x=1, y=6) at j=0 (out row 64+6, col 96+1) reading tile[1][6]."""
import numpy as np

ENTRY = "transpose_kernel"
PARAMS = ["inp", "out", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "transpose"
CASES = [dict(rows=100, cols=75), dict(rows=64, cols=32), dict(rows=7, cols=130)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}  # pure data movement: bit-exact


def make_inputs(rng: np.random.Generator, rows=100, cols=75) -> dict:
    return {
        "inp": rng.standard_normal((rows, cols)).astype(np.float32),
        "out": rng.standard_normal((cols, rows)).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.ascontiguousarray(inputs["inp"].T)}
