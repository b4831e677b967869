"""Average pooling 2x2 stride 2 on NCHW [32,28,28] -> [32,14,14]: per-core 8-channel group transposed to HWC, __bang_avgpool, transposed back; CNRT host launcher Union1 {4,1,1}; size parameters used only for allocation."""
import numpy as np

ORIGIN = "hand-written: host launcher (CNRT_CHECK), #define shapes, sizes used only by the launcher, __bang_transpose + __bang_avgpool"
ENTRY = "avgpool_kernel"
PARAMS = ["input", "output", "channels", "height", "width"]
OUTPUTS = ["output"]
FAMILY = "pooling"
CASES = [dict(channels=32, height=28, width=28)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, channels=32, height=28, width=28) -> dict:
    return {"input": rng.standard_normal((channels, height, width)).astype(np.float32),
            "output": np.zeros((channels, height // 2, width // 2), np.float32),
            "channels": np.int32(channels), "height": np.int32(height), "width": np.int32(width)}


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    c, h, w = x.shape
    y = x.reshape(c, h // 2, 2, w // 2, 2).mean(axis=(2, 4))
    return {"output": y.astype(np.float32)}
