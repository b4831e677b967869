"""Min pooling, 2x3 window, stride_h 1 / stride_w 2, HWC [31,45,16] -> [30,22,16]; one __bang_minpool per core on its band of rows (Union1, coreId)."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived sizes, coreId-only split (Union1, 4 tasks), __bang_minpool with unequal strides"
ENTRY = "minpool_asym"
PARAMS = ["x", "y"]
OUTPUTS = ["y"]
FAMILY = "pooling"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 1, "tasks": 4}

H, W, C, KH, KW, SH, SW = 31, 45, 16, 2, 3, 1, 2
HO, WO = (H - KH) // SH + 1, (W - KW) // SW + 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((H, W, C)).astype(np.float32),
            "y": np.zeros((HO, WO, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    y = np.full((HO, WO, C), np.inf, np.float32)
    for i in range(KH):
        for j in range(KW):
            y = np.minimum(y, x[i:i + SH * HO:SH, j:j + SW * WO:SW, :][:HO, :WO])
    return {"y": y}
