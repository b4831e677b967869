"""LayerNorm (eps 1e-5, gamma/beta) over rows of a fixed 300x768 matrix; Union4, 8-row NRAM trips, sumpool reductions, __bang_sqrt/__bang_recip for rstd, cycle_mul/cycle_add affine."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim with remainder, __mlu_func__ helper, __bang_sumpool/__bang_sqrt/__bang_recip/__bang_cycle_mul/__bang_cycle_add"
ENTRY = "layernorm_rows"
PARAMS = ["x", "gamma", "beta", "y"]
OUTPUTS = ["y"]
FAMILY = "layernorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

B, H = 300, 768


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": (rng.standard_normal((B, H)) * 1.5 + 0.3).astype(np.float32),
            "gamma": rng.uniform(0.5, 1.5, H).astype(np.float32),
            "beta": rng.uniform(-0.5, 0.5, H).astype(np.float32),
            "y": np.zeros((B, H), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * inputs["gamma"] + inputs["beta"]
    return {"y": y.astype(np.float32)}
