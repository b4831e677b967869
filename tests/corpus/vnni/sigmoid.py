"""Sigmoid y = 1/(1+exp(-x)) on a #define-fixed 3000-float buffer; expf per lane via an alignas(64) stack buffer, _mm512_div_ps, scalar tail."""
import numpy as np

ENTRY = "sigmoid_f32"
PARAMS = ["x", "y"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-7}   # glibc expf <= 1-2 ulp, then two float32 ops

N_ELEMS = 3000


def make_inputs(rng: np.random.Generator) -> dict:
    x = (rng.standard_normal(N_ELEMS) * 4.0).astype(np.float32)
    x[:4] = np.array([-30.0, 30.0, 0.0, -88.0], np.float32)   # saturating ends
    rng.shuffle(x)
    y = rng.standard_normal(N_ELEMS).astype(np.float32)
    return dict(x=x, y=y)


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"y": (1.0 / (1.0 + np.exp(-x))).astype(np.float32)}
