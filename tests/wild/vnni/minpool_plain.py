"""Min pooling 2x2 stride 2, floor mode (last row/column of odd sizes unread), NCHW; plain loops,
std::min with a +infinity identity."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, std::min, std::numeric_limits<float>::infinity()"
ENTRY = "min_pool2x2"
PARAMS = ["y", "x", "N", "C", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "pooling"
CASES = [dict(N=2, C=8, H=37, W=53), dict(N=1, C=3, H=64, W=64)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
EXTENTS = {"x": "N * C * H * W"}


def make_inputs(rng: np.random.Generator, N=2, C=8, H=37, W=53) -> dict:
    return {
        "y": np.zeros((N, C, H // 2, W // 2), np.float32),
        "x": (rng.standard_normal((N, C, H, W)) + 2.0).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    N, C, H, W = x.shape
    v = x[:, :, :H // 2 * 2, :W // 2 * 2].reshape(N, C, H // 2, 2, W // 2, 2)
    return {"y": v.min(axis=(3, 5)).astype(np.float32)}
