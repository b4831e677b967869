"""AvgPool2d 2x2 stride 2 (floor mode: the odd last row/column is dropped) on NCHW, 3-D grid with planes on z, legacy hip* index macros; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, legacy hipBlockIdx_x/hipBlockDim_y/hipThreadIdx_y macros, 3-D grid (planes on grid.z), 2-D block, multiply by 0.25f, odd input sizes"
ENTRY = "avg_pool_2x2"
PARAMS = ["input", "output", "nc", "in_h", "in_w"]
OUTPUTS = ["output"]
FAMILY = "pooling"
CASES = [dict(nc=6, in_h=37, in_w=53)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}
EXTENTS = {"input": "nc * in_h * in_w"}
LAUNCH = {"grid": [2, 3, 6], "block": [16, 8, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, nc=6, in_h=37, in_w=53) -> dict:
    return {
        "input": rng.standard_normal((nc, in_h, in_w)).astype(np.float32),
        "output": np.zeros((nc, in_h // 2, in_w // 2), np.float32),
        "nc": np.int32(nc), "in_h": np.int32(in_h), "in_w": np.int32(in_w),
    }


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    nc, h, w = x.shape
    oh, ow = h // 2, w // 2
    y = x[:, :2 * oh, :2 * ow].reshape(nc, oh, 2, ow, 2).mean(axis=(2, 4))
    return {"output": y.astype(np.float32)}
