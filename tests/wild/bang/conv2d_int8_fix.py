"""Fixed-point int8 conv2d NHWC 25x25x32 -> 12x12x64, 3x3 stride 2: __bang_conv(float dst, int8 src, int8 WRAM filter, fix_position -10); Union1, 3 output rows per coreId."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived sizes, coreId-only split (Union1), int8 inputs with exact integer accumulation, __bang_reshape_filter + __bang_conv fixed-point form"
ENTRY = "conv2d_int8_fix"
PARAMS = ["qx", "qw", "y"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nhwc"
CASES = [{}]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
LAUNCH = {"union": 1, "tasks": 4}

IH, IW, CI, CO, K, S = 25, 25, 32, 64, 3, 2
OH, OW = (IH - K) // S + 1, (IW - K) // S + 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {"qx": rng.integers(-128, 128, (IH, IW, CI)).astype(np.int8),
            "qw": rng.integers(-128, 128, (CO, K, K, CI)).astype(np.int8),
            "y": np.zeros((OH, OW, CO), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["qx"].astype(np.int64)
    w = inputs["qw"].astype(np.int64)
    acc = np.zeros((OH, OW, CO), np.int64)
    for i in range(K):
        for j in range(K):
            acc += np.einsum("hwc,oc->hwo", x[i:i + S * OH:S, j:j + S * OW:S, :], w[:, i, j, :])
    return {"y": (acc.astype(np.float64) * 2.0 ** -10).astype(np.float32)}
