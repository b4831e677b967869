"""Depthwise 3x3 conv NCHW (+bias), stride 1, zero pad 1, fp32, runtime N/C/H/W; 16x16 output tiles with an 18x18 shared-memory halo tile (zero-filled outside the image).
Traced: N=2,C=3,H=20,W=37: y[1,2,19,33] -> block (x=2, y=1, z=5), thread (1, 3); tile rows 3..5 = image rows 18..20 (20 zero), cols 1..3 = image cols 32..34."""
import numpy as np

ENTRY = "depthwise_conv_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "C", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "depthwise_conv"
CASES = [dict(N=2, C=3, H=20, W=37), dict(N=1, C=5, H=16, W=16), dict(N=1, C=2, H=5, W=3)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, N=2, C=3, H=20, W=37) -> dict:
    return {
        "x": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "w": rng.standard_normal((C, 3, 3)).astype(np.float32),
        "bias": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    out = np.zeros_like(x)
    for r in range(3):
        for s in range(3):
            out += xp[:, :, r:r + H, s:s + W] * w[None, :, r, s, None, None]
    out += inputs["bias"].astype(np.float64)[None, :, None, None]
    return {"y": out.astype(np.float32)}
