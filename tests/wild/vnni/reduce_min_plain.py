"""Min over the middle axis of a [B, R, C] tensor; plain loops, std::min, +inf identity from std::numeric_limits."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, std::min, std::numeric_limits<float>::infinity()"
ENTRY = "min_axis1"
PARAMS = ["out", "x", "B", "R", "C"]
OUTPUTS = ["out"]
FAMILY = "reduction"
CASES = [dict(B=4, R=37, C=53), dict(B=2, R=100, C=96)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, B=4, R=37, C=53) -> dict:
    x = rng.standard_normal((B, R, C)).astype(np.float32)
    x[:, :, ::5] += 20.0  # some columns entirely positive
    return {
        "out": np.zeros((B, C), np.float32),
        "x": x,
        "B": np.int32(B), "R": np.int32(R), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["x"].min(axis=1).astype(np.float32)}
