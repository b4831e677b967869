"""Conv2d, PyTorch NCHW float32, CI 8 -> CO 16, 3x3, stride 1, no padding, + bias, runtime N and H*W <= 256; weights [CO][CI][3*3] -> [CO][3][3][CI] by per-channel __bang_transpose, __bang_reshape_filter + NRAM2WRAM; per image (Block tasks) __bang_transpose [CI][HW] -> [HW][CI], __bang_conv, __bang_cycle_add bias, __bang_transpose back to [CO][Ho*Wo], 1-D copies."""
import numpy as np

ENTRY = "conv2d_nchw_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nchw"
CASES = [dict(N=2, H=12, W=10), dict(N=5, H=7, W=9)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

CI, CO, KH, KW = 8, 16, 3, 3


def make_inputs(rng: np.random.Generator, N=2, H=12, W=10) -> dict:
    return {
        "x": rng.standard_normal((N, CI, H, W)).astype(np.float32),
        "w": (rng.standard_normal((CO, CI, KH, KW)) / np.sqrt(CI * KH * KW)).astype(np.float32),
        "bias": rng.standard_normal(CO).astype(np.float32),
        "y": rng.standard_normal((N, CO, H - KH + 1, W - KW + 1)).astype(np.float32),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    _, _, H, W = x.shape
    ho, wo = H - KH + 1, W - KW + 1
    y = np.zeros((x.shape[0], CO, ho, wo))
    for a in range(KH):
        for b in range(KW):
            y += np.einsum("nihw,oi->nohw", x[:, :, a:a + ho, b:b + wo], w[:, :, a, b])
    y += inputs["bias"].astype(np.float64)[None, :, None, None]
    return {"y": y.astype(np.float32)}
