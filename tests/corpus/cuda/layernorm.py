"""LayerNorm over #define HIDDEN=200 (not a multiple of 32), fp32, one warp per row (4 rows per block), row in registers, __shfl_xor_sync all-reduce for mean and variance, rsqrtf.
Traced: rows=45: row 42 -> block 10, warp 2; lane 7 holds columns 7, 39, ..., 199 (i=6, 7+192 < 200), writes y[42, those]; warp 3 of block 11 (row 47) exits."""
import numpy as np

ENTRY = "layernorm_kernel"
PARAMS = ["x", "gamma", "beta", "y", "rows"]
OUTPUTS = ["y"]
FAMILY = "layernorm"
HIDDEN = 200
CASES = [dict(rows=45), dict(rows=4)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=45) -> dict:
    return {
        "x": (rng.standard_normal((rows, HIDDEN)) * 2.0 + rng.standard_normal((rows, 1)) * 3.0).astype(np.float32),
        "gamma": (1.0 + 0.5 * rng.standard_normal(HIDDEN)).astype(np.float32),
        "beta": rng.standard_normal(HIDDEN).astype(np.float32),
        "y": rng.standard_normal((rows, HIDDEN)).astype(np.float32),
        "rows": np.int32(rows),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    y = (x - mean) / np.sqrt(var + 1e-5) * inputs["gamma"].astype(np.float64) + inputs["beta"].astype(np.float64)
    return {"y": y.astype(np.float32)}
