"""4-D transpose NCHW -> NHWC; OpenMP parallel for collapse(2) over (n, h), strided reads."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), flattened index arithmetic, shapes as parameters"
ENTRY = "nchw_to_nhwc"
PARAMS = ["out", "in", "N", "C", "H", "W"]
OUTPUTS = ["out"]
FAMILY = "transpose"
CASES = [dict(N=2, C=3, H=37, W=53), dict(N=1, C=64, H=28, W=28)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, N=2, C=3, H=37, W=53) -> dict:
    return {
        "out": np.zeros((N, H, W, C), np.float32),
        "in": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.ascontiguousarray(inputs["in"].transpose(0, 2, 3, 1))}
