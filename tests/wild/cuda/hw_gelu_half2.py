"""GELU (tanh approximation) on fp16, half2 vector loads with fp32 math, odd tail element; device-only kernel."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, half2 loads with float math, __device__ __forceinline__ helper, #define constants, grid-stride loop, odd tail"
ENTRY = "gelu_fwd_half2"
PARAMS = ["in", "out", "n"]
OUTPUTS = ["out"]
FAMILY = "elementwise"
CASES = [dict(n=3001)]
TOLERANCE = {"rtol": 2e-3, "atol": 2e-3}
LAUNCH = {"grid": [4, 1, 1], "block": [128, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, n=3001) -> dict:
    return {
        "in": (rng.standard_normal(n) * 2.5).astype(np.float16),
        "out": np.zeros(n, np.float16),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    y = 0.5 * x * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (x + 0.044715 * x ** 3)))
    return {"out": y.astype(np.float16)}
