"""torch.sign of 6000 floats in one BLOCK task: __bang_active_sign times (x != 0) so that sign(0) = 0."""
import numpy as np

ORIGIN = "hand-written: device-only, BLOCK task, #define shapes, __bang_active_sign + __bang_ne_scalar fix-up"
ENTRY = "sign_block"
PARAMS = ["in", "out"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 0, "tasks": 1}

N = 6000


def make_inputs(rng: np.random.Generator) -> dict:
    x = rng.standard_normal(N).astype(np.float32)
    x[rng.choice(N, 300, replace=False)] = 0.0      # exact zeros exercise sign(0) == 0
    return {"in": x, "out": np.zeros(N, np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": np.sign(inputs["in"]).astype(np.float32)}
