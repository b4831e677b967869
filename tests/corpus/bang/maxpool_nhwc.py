"""Max pooling NHWC fp16, C 32, window kh 3 x kw 2, stride_w 1 / stride_h 2 (W stride first in __bang_maxpool), no padding; bands of 4 output rows loaded with one 1-D __memcpy; Block tasks; W <= 64."""
import numpy as np

ENTRY = "maxpool_nhwc_f16_kernel"
PARAMS = ["x", "y", "N", "H", "W"]
OUTPUTS = ["y"]
FAMILY = "pooling"
CASES = [dict(N=2, H=13, W=11), dict(N=1, H=8, W=40)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}

C, KH, KW, SW, SH = 32, 3, 2, 1, 2


def _out_hw(H, W):
    return (H - KH) // SH + 1, (W - KW) // SW + 1


def make_inputs(rng: np.random.Generator, N=2, H=13, W=11) -> dict:
    ho, wo = _out_hw(H, W)
    return {
        "x": (rng.standard_normal((N, H, W, C)) * 4).astype(np.float16),
        "y": rng.standard_normal((N, ho, wo, C)).astype(np.float16),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    N, H, W, _ = x.shape
    ho, wo = _out_hw(H, W)
    y = np.full((N, ho, wo, C), -np.inf, np.float16)
    for i in range(KH):
        for j in range(KW):
            y = np.maximum(y, x[:, i:i + (ho - 1) * SH + 1:SH, j:j + (wo - 1) * SW + 1:SW, :])
    return {"y": y}
