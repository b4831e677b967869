"""Depthwise 3x3 conv, stride 2, pad 1, NCHW with bias; grid-stride loop under a fixed launch; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, grid-stride loop, template __device__ helper with __ldg, stride/pad baked into the index math, #pragma unroll 3x3"
ENTRY = "dwconv3x3_s2"
PARAMS = ["input", "filter", "bias", "output", "N", "C", "H", "W"]
OUTPUTS = ["output"]
FAMILY = "depthwise_conv"
CASES = [dict(N=2, C=24, H=31, W=28)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"grid": [20, 1, 1], "block": [256, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, N=2, C=24, H=31, W=28) -> dict:
    OH, OW = (H + 1) // 2, (W + 1) // 2
    return {
        "input": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "filter": rng.standard_normal((C, 1, 3, 3)).astype(np.float32),
        "bias": rng.uniform(-1.0, 1.0, C).astype(np.float32),
        "output": np.zeros((N, C, OH, OW), np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    f = inputs["filter"].astype(np.float64)[:, 0]
    N, C, H, W = x.shape
    OH, OW = (H + 1) // 2, (W + 1) // 2
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((N, C, OH, OW))
    for i in range(3):
        for j in range(3):
            y += xp[:, :, i:i + 2 * (OH - 1) + 1:2, j:j + 2 * (OW - 1) + 1:2] * f[None, :, i, j, None, None]
    y += inputs["bias"][None, :, None, None]
    return {"output": y.astype(np.float32)}
