"""Fused bias + ReLU y = max(x + bias[col], 0) on a [rows][cols] float32 matrix; _mm512_max_ps, masked column tail, OpenMP over rows."""
import numpy as np

ENTRY = "bias_relu_f32"
PARAMS = ["x", "bias", "y", "rows", "cols"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(rows=33, cols=70), dict(rows=8, cols=16), dict(rows=5, cols=9)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}   # one float32 add + max: bit-exact


def make_inputs(rng: np.random.Generator, rows=33, cols=70) -> dict:
    x = rng.standard_normal((rows, cols)).astype(np.float32)
    bias = (rng.standard_normal(cols) * 0.5).astype(np.float32)
    y = (rng.standard_normal((rows, cols)) * 50.0).astype(np.float32)   # garbage
    return dict(x=x, bias=bias, y=y, rows=np.int32(rows), cols=np.int32(cols))


def reference(inputs: dict) -> dict:
    v = inputs["x"] + inputs["bias"][None, :]          # float32 add, like the kernel
    return {"y": np.maximum(v, np.float32(0.0)).astype(np.float32)}
