"""Conv2d NHWC float32, CI 16 -> CO 32, 3x3, stride (w 2, h 1), no padding, + bias; __bang_conv on bands of 4 output rows (1-D __memcpy of the contiguous input rows), filter [CO][KH][KW][CI] via __bang_reshape_filter into WRAM, __bang_cycle_add bias; Block tasks; W <= 64."""
import numpy as np

ENTRY = "conv2d_nhwc_f32_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nhwc"
CASES = [dict(N=2, H=16, W=15), dict(N=1, H=9, W=20)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

CI, CO, KH, KW, SW, SH = 16, 32, 3, 3, 2, 1


def _out_hw(H, W):
    return (H - KH) // SH + 1, (W - KW) // SW + 1


def make_inputs(rng: np.random.Generator, N=2, H=16, W=15) -> dict:
    ho, wo = _out_hw(H, W)
    return {
        "x": rng.standard_normal((N, H, W, CI)).astype(np.float32),
        "w": (rng.standard_normal((CO, KH, KW, CI)) * 0.3).astype(np.float32),
        "bias": rng.standard_normal(CO).astype(np.float32),
        "y": rng.standard_normal((N, ho, wo, CO)).astype(np.float32),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    N, H, W, _ = x.shape
    ho, wo = _out_hw(H, W)
    y = np.zeros((N, ho, wo, CO))
    for i in range(KH):
        for j in range(KW):
            patch = x[:, i:i + (ho - 1) * SH + 1:SH, j:j + (wo - 1) * SW + 1:SW, :]   # [N][ho][wo][CI]
            y += np.einsum("nhwc,oc->nhwo", patch, w[:, i, j, :])
    y += inputs["bias"].astype(np.float64)
    return {"y": y.astype(np.float32)}
