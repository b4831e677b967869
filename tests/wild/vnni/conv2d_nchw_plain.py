"""Conv2d NCHW, one 8x30x30 image, 16 filters 3x3, valid, stride 1, bias + ReLU; #define shapes, no size
parameters, plain six-deep loop nest."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, #define shapes (derived macros), fused bias+ReLU"
ENTRY = "conv2d_relu"
PARAMS = ["output", "input", "weight", "bias"]
OUTPUTS = ["output"]
FAMILY = "conv2d_nchw"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

CI, H, W, CO, K = 8, 30, 30, 16, 3


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "output": np.zeros((CO, H - K + 1, W - K + 1), np.float32),
        "input": rng.standard_normal((CI, H, W)).astype(np.float32),
        "weight": (rng.standard_normal((CO, CI, K, K)) * 0.25).astype(np.float32),
        "bias": rng.normal(0.0, 0.2, CO).astype(np.float32),
    }


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    w = inputs["weight"].astype(np.float64)
    OH, OW = H - K + 1, W - K + 1
    y = np.zeros((CO, OH, OW)) + inputs["bias"][:, None, None]
    for kh in range(K):
        for kw in range(K):
            y += np.einsum("oc,chw->ohw", w[:, :, kh, kw], x[:, kh:kh + OH, kw:kw + OW])
    return {"output": np.maximum(y, 0.0).astype(np.float32)}
