"""Min pooling and sum pooling NHWC float32, C 16, window kh 2 x kw 3, stride_w 2 / stride_h 2 (W stride first in __bang_minpool/__bang_sumpool), no padding; bands of 3 output rows loaded with one 1-D __memcpy, both pools from the same NRAM tile; Block tasks; W <= 64."""
import numpy as np

ENTRY = "minsum_pool_nhwc_kernel"
PARAMS = ["x", "ymin", "ysum", "N", "H", "W"]
OUTPUTS = ["ymin", "ysum"]
FAMILY = "pooling"
CASES = [dict(N=2, H=15, W=11), dict(N=1, H=12, W=40)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}

C, KH, KW, SW, SH = 16, 2, 3, 2, 2


def make_inputs(rng: np.random.Generator, N=2, H=15, W=11) -> dict:
    ho, wo = (H - KH) // SH + 1, (W - KW) // SW + 1
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "ymin": rng.standard_normal((N, ho, wo, C)).astype(np.float32),
        "ysum": rng.standard_normal((N, ho, wo, C)).astype(np.float32),
        "N": np.int32(N),
        "H": np.int32(H),
        "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    _, H, W, _ = x.shape
    ho, wo = (H - KH) // SH + 1, (W - KW) // SW + 1
    win = np.stack([x[:, a:a + (ho - 1) * SH + 1:SH, b:b + (wo - 1) * SW + 1:SW, :]
                    for a in range(KH) for b in range(KW)])          # [KH*KW][N][ho][wo][C]
    return {"ymin": win.min(axis=0).astype(np.float32), "ysum": win.sum(axis=0).astype(np.float32)}
