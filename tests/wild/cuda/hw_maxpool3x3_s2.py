"""MaxPool2d 3x3 / stride 2 / pad 1 on NCHW (padding never wins), grid-stride loop with a capped grid."""
import numpy as np

ORIGIN = "hand-written: grid-stride loop with grid capped by min(), window clipped with int max/min, fmaxf, -FLT_MAX init, CHECK_CUDA macro, shapes as parameters"
ENTRY = "maxpool2d"
PARAMS = ["input", "output", "N", "C", "H", "W"]
OUTPUTS = ["output"]
FAMILY = "pooling"
CASES = [dict(N=2, C=5, H=31, W=29), dict(N=1, C=3, H=64, W=64)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, N=2, C=5, H=31, W=29) -> dict:
    OH, OW = (H - 1) // 2 + 1, (W - 1) // 2 + 1
    return {
        "input": (rng.standard_normal((N, C, H, W)) - 1.0).astype(np.float32),
        "output": np.zeros((N, C, OH, OW), np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    x = inputs["input"]
    N, C, H, W = x.shape
    OH, OW = (H - 1) // 2 + 1, (W - 1) // 2 + 1
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), constant_values=-np.inf)
    y = np.full((N, C, OH, OW), -np.inf, np.float32)
    for i in range(3):
        for j in range(3):
            y = np.maximum(y, xp[:, :, i:i + 2 * (OH - 1) + 1:2, j:j + 2 * (OW - 1) + 1:2])
    return {"output": y.astype(np.float32)}
