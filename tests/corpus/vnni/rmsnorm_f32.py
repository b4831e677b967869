"""RMSNorm over the last dim of [rows][dim] float32 with gamma and runtime eps: sum of squares in two _mm512_fmadd_ps accumulators, masked tail, _mm512_reduce_add_ps, vector rescale; OpenMP over rows."""
import numpy as np

ENTRY = "rmsnorm_f32"
PARAMS = ["x", "gamma", "y", "rows", "dim", "eps"]
OUTPUTS = ["y"]
FAMILY = "rmsnorm"
CASES = [dict(rows=12, dim=256), dict(rows=9, dim=103)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=12, dim=256) -> dict:
    x = (rng.standard_normal((rows, dim)) * rng.uniform(0.5, 3.0, (rows, 1)) + 0.3).astype(np.float32)
    return dict(x=x, gamma=(1.0 + 0.2 * rng.standard_normal(dim)).astype(np.float32),
                y=rng.standard_normal((rows, dim)).astype(np.float32),
                rows=np.int32(rows), dim=np.int32(dim), eps=np.float32(1e-6))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    rms = np.sqrt((x * x).mean(axis=1, keepdims=True) + float(inputs["eps"]))
    return {"y": (x / rms * inputs["gamma"].astype(np.float64)).astype(np.float32)}
