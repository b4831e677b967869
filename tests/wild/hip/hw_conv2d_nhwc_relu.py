"""3x3 same-padding conv2d NHWC (HWIO filter, 32 output channels baked) + bias + ReLU; whole filter in dynamic LDS, block (32, 8)."""
import numpy as np

ORIGIN = "hand-written: #define output channels tied to blockDim.x, 2-D block (32, 8), extern __shared__ dynamic LDS sized in hipLaunchKernelGGL, HWIO filter layout, fused bias + fmaxf ReLU, HIP_CHECK macro"
ENTRY = "conv2d_nhwc_relu"
PARAMS = ["input", "filter", "bias", "output", "N", "H", "W", "C"]
OUTPUTS = ["output"]
FAMILY = "conv2d_nhwc"
CASES = [dict(N=2, H=14, W=13, C=16), dict(N=1, H=9, W=21, C=8)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

K = 32


def make_inputs(rng: np.random.Generator, N=2, H=14, W=13, C=16) -> dict:
    return {
        "input": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "filter": (rng.standard_normal((3, 3, C, K)) * 0.2).astype(np.float32),
        "bias": rng.uniform(-0.5, 0.5, K).astype(np.float32),
        "output": np.zeros((N, H, W, K), np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    f = inputs["filter"].astype(np.float64)
    N, H, W, C = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y = np.zeros((N, H, W, K))
    for r in range(3):
        for s in range(3):
            y += np.einsum("nhwc,ck->nhwk", xp[:, r:r + H, s:s + W, :], f[r, s])
    y += inputs["bias"]
    return {"output": np.maximum(y, 0.0).astype(np.float32)}
