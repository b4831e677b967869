"""LayerNorm over the last dim of [rows][dim] float32 with gamma/beta and runtime eps; two-pass mean/variance, _mm512_fmadd_ps, _mm512_maskz_sub_ps masked tail."""
import numpy as np

ENTRY = "layernorm_f32"
PARAMS = ["x", "gamma", "beta", "y", "rows", "dim", "eps"]
OUTPUTS = ["y"]
FAMILY = "layernorm"
CASES = [dict(rows=16, dim=768), dict(rows=13, dim=100), dict(rows=4, dim=7)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=16, dim=768) -> dict:
    x = (rng.standard_normal((rows, dim)) * 2.0 + rng.standard_normal((rows, 1)) * 3.0).astype(np.float32)
    gamma = (1.0 + 0.3 * rng.standard_normal(dim)).astype(np.float32)
    beta = (0.5 * rng.standard_normal(dim)).astype(np.float32)
    y = rng.standard_normal((rows, dim)).astype(np.float32)
    return dict(x=x, gamma=gamma, beta=beta, y=y, rows=np.int32(rows), dim=np.int32(dim),
                eps=np.float32(1e-5))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    n = (x - mean) / np.sqrt(var + float(inputs["eps"]))
    y = n * inputs["gamma"].astype(np.float64) + inputs["beta"].astype(np.float64)
    return {"y": y.astype(np.float32)}
