"""Conv1d, 16->24 channels, kernel 5, 'same' zero padding, length 777, with bias; padded input staged by one 2-D strided __memcpy, per-tap __bang_mul_scalar + __bang_add along L; Union4, output channels strided by taskDim."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId stride over output channels, 2-D __memcpy with destination pitch, __bang_write_value, vector tap accumulation, scalar GDRAM bias read"
ENTRY = "conv1d_same"
PARAMS = ["x", "w", "bias", "y"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

CI, CO, L, K, PAD = 16, 24, 777, 5, 2


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((CI, L)).astype(np.float32),
            "w": (rng.standard_normal((CO, CI, K)) * 0.2).astype(np.float32),
            "bias": rng.uniform(-1.0, 1.0, CO).astype(np.float32),
            "y": np.zeros((CO, L), np.float32)}


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["x"].astype(np.float64), ((0, 0), (PAD, PAD)))
    w = inputs["w"].astype(np.float64)
    y = np.zeros((CO, L)) + inputs["bias"][:, None]
    for k in range(K):
        y += w[:, :, k] @ x[:, k:k + L]
    return {"y": y.astype(np.float32)}
