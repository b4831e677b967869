"""Average pooling 3x3 stride 2 pad 1 (count_include_pad=False, as PyTorch), NCHW; OpenMP parallel for
collapse(2) over (n*c, output row), clipped windows."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), fused N*C loop, clipped window bounds"
ENTRY = "avg_pool2d"
PARAMS = ["out", "in", "N", "C", "H", "W"]
OUTPUTS = ["out"]
FAMILY = "pooling"
CASES = [dict(N=2, C=16, H=37, W=53), dict(N=1, C=8, H=32, W=32)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, N=2, C=16, H=37, W=53) -> dict:
    OH, OW = (H - 1) // 2 + 1, (W - 1) // 2 + 1
    return {
        "out": np.zeros((N, C, OH, OW), np.float32),
        "in": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    N, C, H, W = x.shape
    OH, OW = (H - 1) // 2 + 1, (W - 1) // 2 + 1
    y = np.zeros((N, C, OH, OW))
    for oh in range(OH):
        h0, h1 = max(oh * 2 - 1, 0), min(oh * 2 + 2, H)
        for ow in range(OW):
            w0, w1 = max(ow * 2 - 1, 0), min(ow * 2 + 2, W)
            y[:, :, oh, ow] = x[:, :, h0:h1, w0:w1].mean(axis=(2, 3))
    return {"out": y.astype(np.float32)}
