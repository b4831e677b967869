"""sin on fp16 with fp32 math, two halves per thread via half2 (odd length: last thread does one); device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, typedef __half2 half2 carried over from CUDA, half2 loads via reinterpret_cast, __low2float/__high2float, __floats2half2_rn, sinf, odd tail"
ENTRY = "sin_fp16"
PARAMS = ["x", "y", "n"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(n=2049)]
TOLERANCE = {"rtol": 2e-3, "atol": 2e-3}
LAUNCH = {"grid": [9, 1, 1], "block": [128, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, n=2049) -> dict:
    return {
        "x": rng.uniform(-6.0, 6.0, n).astype(np.float16),
        "y": np.zeros(n, np.float16),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"y": np.sin(inputs["x"].astype(np.float64)).astype(np.float16)}
