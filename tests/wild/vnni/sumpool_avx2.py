"""Sum pooling 2x2 stride 1 (box filter), NHWC single image, no padding; AVX2 _mm256_add_ps across
channels with a scalar channel tail."""
import numpy as np

ORIGIN = "hand-written: AVX intrinsics (_mm256_loadu_ps, _mm256_add_ps), scalar tail, shapes as parameters"
ENTRY = "sum_pool2x2_nhwc"
PARAMS = ["out", "in", "H", "W", "C"]
OUTPUTS = ["out"]
FAMILY = "pooling"
CASES = [dict(H=32, W=32, C=20), dict(H=17, W=29, C=7)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, H=32, W=32, C=20) -> dict:
    return {
        "out": np.zeros((H - 1, W - 1, C), np.float32),
        "in": rng.standard_normal((H, W, C)).astype(np.float32),
        "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    y = x[:-1, :-1] + x[:-1, 1:] + x[1:, :-1] + x[1:, 1:]
    return {"out": y.astype(np.float32)}
