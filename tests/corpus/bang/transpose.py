"""Batched transpose float32 [B][R][C] -> [B][C][R]; 32x64 NRAM tiles gathered with a 2-D __memcpy (src pitch C), __bang_transpose, scattered with a 2-D __memcpy (dst pitch R); partial edge tiles; Block tasks."""
import numpy as np

ENTRY = "transpose_batched_kernel"
PARAMS = ["x", "y", "B", "R", "C"]
OUTPUTS = ["y"]
FAMILY = "transpose"
CASES = [dict(B=2, R=70, C=90), dict(B=1, R=5, C=130), dict(B=3, R=64, C=64)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, B=2, R=70, C=90) -> dict:
    return {
        "x": rng.standard_normal((B, R, C)).astype(np.float32),
        "y": rng.standard_normal((B, C, R)).astype(np.float32),
        "B": np.int32(B),
        "R": np.int32(R),
        "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    return {"y": np.ascontiguousarray(inputs["x"].transpose(0, 2, 1))}
