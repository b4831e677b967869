"""2-D transpose through a 32x33 padded shared tile with 32x8 threads (each thread moves 4 elements); ragged edges."""
import numpy as np

ORIGIN = "hand-written: const int tile sizes used in kernel and launcher, padded __shared__ tile [32][33], dim3 block(32, 8), multiple elements per thread, output pointer first"
ENTRY = "transpose_2d"
PARAMS = ["in", "out", "rows", "cols"]
OUTPUTS = ["out"]
FAMILY = "transpose"
CASES = [dict(rows=123, cols=77), dict(rows=64, cols=200)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=123, cols=77) -> dict:
    return {
        "in": rng.standard_normal((rows, cols)).astype(np.float32),
        "out": np.zeros((cols, rows), np.float32),
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.ascontiguousarray(inputs["in"].T)}
