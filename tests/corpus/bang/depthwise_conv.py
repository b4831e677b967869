"""Depthwise 3x3 conv NHWC float32, C 24, stride 1, zero pad 1, + bias, vector ops only: __bang_cycle_mul of shifted padded input rows by per-tap channel weights, __bang_add accumulation, __bang_cycle_add bias; Union1 {4,1,1} tasks stride over output rows; W <= 64."""
import numpy as np

ENTRY = "depthwise_conv3x3_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "depthwise_conv"
CASES = [dict(N=2, H=10, W=13), dict(N=1, H=5, W=33)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

C, K = 24, 3


def make_inputs(rng: np.random.Generator, N=2, H=10, W=13) -> dict:
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "w": rng.standard_normal((K, K, C)).astype(np.float32),
        "bias": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    N, H, W, _ = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y = np.zeros_like(x)
    for i in range(K):
        for j in range(K):
            y += xp[:, i:i + H, j:j + W, :] * w[i, j]
    y += inputs["bias"].astype(np.float64)
    return {"y": y.astype(np.float32)}
