"""Dense + ReLU with int8 fixed-point x[batch][200], W[96][200] (value = q * 2^pos), float32 bias and output: y = relu((x . W^T) * 2^fix_position + bias) via the bias form of __bang_mlp; W padded to 128x256 by 2-D __memcpy, reshaped into WRAM; Block tasks stride the batch."""
import numpy as np

ENTRY = "dense_int8_relu_kernel"
PARAMS = ["x", "w", "bias", "y", "batch", "fix_position"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(batch=13, fix_position=-12), dict(batch=3, fix_position=-9)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}

IN_FEATURES = 200
OUT_FEATURES = 96


def make_inputs(rng: np.random.Generator, batch=13, fix_position=-12) -> dict:
    return {
        "x": rng.integers(-128, 127, (batch, IN_FEATURES), dtype=np.int8, endpoint=True),
        "w": rng.integers(-128, 127, (OUT_FEATURES, IN_FEATURES), dtype=np.int8, endpoint=True),
        "bias": (rng.standard_normal(OUT_FEATURES) * 4).astype(np.float32),
        "y": rng.standard_normal((batch, OUT_FEATURES)).astype(np.float32),
        "batch": np.int32(batch),
        "fix_position": np.int32(fix_position),
    }


def reference(inputs: dict) -> dict:
    dot = inputs["x"].astype(np.int64) @ inputs["w"].astype(np.int64).T
    y = dot.astype(np.float64) * 2.0 ** int(inputs["fix_position"]) + inputs["bias"].astype(np.float64)
    return {"y": np.maximum(y, 0.0).astype(np.float32)}
