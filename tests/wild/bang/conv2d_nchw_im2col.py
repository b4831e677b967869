"""Conv2d NCHW 64->32 channels, 3x3, stride 1, pad 1 on 13x11; per-pixel im2col into __nram__ patch[IC*KH*KW] and __bang_mlp with the PyTorch weight as a [32][576] WRAM filter; Union4 pixel split, __bang_transpose + 2-D strided store to NCHW."""
import numpy as np

ORIGIN = "hand-written: device-only, const int shapes, NRAM array sized by a constant expression, scalar im2col loops, __bang_mlp, __bang_transpose, 2-D __memcpy NRAM2GDRAM"
ENTRY = "conv2d_nchw_im2col"
PARAMS = ["x", "weight", "y"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nchw"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

IC, OC, H, W, KH, KW, PAD = 64, 32, 13, 11, 3, 3, 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((IC, H, W)).astype(np.float32),
            "weight": (rng.standard_normal((OC, IC, KH, KW)) * 0.05).astype(np.float32),
            "y": np.zeros((OC, H, W), np.float32)}


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["x"].astype(np.float64), ((0, 0), (PAD, PAD), (PAD, PAD)))
    w = inputs["weight"].astype(np.float64)
    y = np.zeros((OC, H, W))
    for i in range(KH):
        for j in range(KW):
            y += np.einsum("chw,oc->ohw", x[:, i:i + H, j:j + W], w[:, :, i, j])
    return {"y": y.astype(np.float32)}
