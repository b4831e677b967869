"""Sum pooling 4x4 stride 4 over HWC [50,66,24] -> [12,16,24] (ragged edge dropped) in a single BLOCK task, __bang_sumpool per 4-row strip."""
import numpy as np

ORIGIN = "hand-written: device-only, BLOCK task, #define shapes, serial loop over output rows, __bang_sumpool"
ENTRY = "sumpool_block"
PARAMS = ["fm", "pooled"]
OUTPUTS = ["pooled"]
FAMILY = "pooling"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"union": 0, "tasks": 1}
EXTENTS = {"fm": "50 * 66 * 24"}   # rows 48-49 are never read

H, W, C, P = 50, 66, 24, 4


def make_inputs(rng: np.random.Generator) -> dict:
    return {"fm": rng.standard_normal((H, W, C)).astype(np.float32),
            "pooled": np.zeros((H // P, W // P, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["fm"].astype(np.float64)[:H // P * P, :W // P * P, :]
    y = x.reshape(H // P, P, W // P, P, C).sum(axis=(1, 3))
    return {"pooled": y.astype(np.float32)}
