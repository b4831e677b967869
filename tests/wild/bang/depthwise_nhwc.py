"""Depthwise 3x3 conv, NHWC 40x37x64 -> 38x35x64, valid, with bias; per output row nine __bang_cycle_mul + __bang_add with the per-channel taps; Union4, rows round-robin by taskId."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived sizes, taskId/taskDim stride, __bang_cycle_mul/__bang_cycle_add/__bang_add"
ENTRY = "depthwise_nhwc"
PARAMS = ["in", "w", "b", "out"]
OUTPUTS = ["out"]
FAMILY = "depthwise_conv"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"union": 4, "tasks": 16}

H, W, C, K = 40, 37, 64, 3


def make_inputs(rng: np.random.Generator) -> dict:
    return {"in": rng.standard_normal((H, W, C)).astype(np.float32),
            "w": rng.standard_normal((K, K, C)).astype(np.float32),
            "b": rng.uniform(-1.0, 1.0, C).astype(np.float32),
            "out": np.zeros((H - K + 1, W - K + 1, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    ho, wo = H - K + 1, W - K + 1
    out = np.zeros((ho, wo, C)) + inputs["b"]
    for i in range(K):
        for j in range(K):
            out += x[i:i + ho, j:j + wo, :] * w[i, j, :]
    return {"out": out.astype(np.float32)}
