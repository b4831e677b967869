"""2-D transpose through a 32x33 LDS tile, (32,8) blocks with 4 elements per thread, guarded edge tiles, <<<dim3>>> launch.
Traced: rows=70, cols=45, out[44, 69]: in[69, 44] loaded by block (1, 2), thread (12, 5), j=0 -> tile[5][12]; stored by the same block, thread (x=5, y=4), j=8: out row 32+4+8=44, col 64+5=69 reads tile[5][12]."""
import numpy as np

ENTRY = "transpose_lds_kernel"
PARAMS = ["in", "out", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "transpose"
CASES = [dict(rows=70, cols=45), dict(rows=64, cols=128), dict(rows=1, cols=33)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=70, cols=45) -> dict:
    return {
        "in": rng.standard_normal((rows, cols)).astype(np.float32),
        "out": rng.standard_normal((cols, rows)).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.ascontiguousarray(inputs["in"].T)}
