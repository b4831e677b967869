"""Max pooling 3x3 stride 2, no padding, NHWC single image; SSE _mm_max_ps across channels with a
scalar std::max tail, -infinity identity."""
import numpy as np

ORIGIN = "hand-written: SSE intrinsics (_mm_set1_ps, _mm_loadu_ps, _mm_max_ps), scalar channel tail, std::numeric_limits"
ENTRY = "maxpool3x3s2_nhwc"
PARAMS = ["out", "in", "H", "W", "C"]
OUTPUTS = ["out"]
FAMILY = "pooling"
CASES = [dict(H=33, W=33, C=38), dict(H=56, W=40, C=64)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, H=33, W=33, C=38) -> dict:
    OH, OW = (H - 3) // 2 + 1, (W - 3) // 2 + 1
    return {
        "out": np.zeros((OH, OW, C), np.float32),
        "in": (rng.standard_normal((H, W, C)) - 1.0).astype(np.float32),
        "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"]
    H, W, C = x.shape
    OH, OW = (H - 3) // 2 + 1, (W - 3) // 2 + 1
    y = np.full((OH, OW, C), -np.inf, np.float32)
    for kh in range(3):
        for kw in range(3):
            y = np.maximum(y, x[kh:kh + 2 * (OH - 1) + 1:2, kw:kw + 2 * (OW - 1) + 1:2])
    return {"out": y.astype(np.float32)}
