"""2-D transpose rows x cols -> cols x rows with 32x32 cache tiles (#define TILE) that do not divide the
shape, partial edge tiles; plain loops, static inline min helper."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, cache-blocked with a #define tile not dividing the shape, static inline helper"
ENTRY = "transpose2d"
PARAMS = ["dst", "src", "rows", "cols"]
OUTPUTS = ["dst"]
FAMILY = "transpose"
CASES = [dict(rows=1000, cols=777), dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=1000, cols=777) -> dict:
    return {
        "dst": np.zeros((cols, rows), np.float32),
        "src": rng.standard_normal((rows, cols)).astype(np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"dst": np.ascontiguousarray(inputs["src"].T)}
