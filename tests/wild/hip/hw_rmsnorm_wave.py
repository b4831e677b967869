"""RMSNorm, one 64-lane wavefront per token, full-wave __shfl_xor butterfly (width 64), stride warpSize; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, one wavefront per row, __shfl_xor(v, mask, 64) from mask 32, loop stride warpSize, __launch_bounds__(64), float eps parameter, output pointer first"
ENTRY = "rms_norm_f32"
PARAMS = ["out", "inp", "weight", "num_tokens", "hidden_size", "epsilon"]
OUTPUTS = ["out"]
FAMILY = "rmsnorm"
CASES = [dict(num_tokens=17, hidden_size=1000)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"grid": [17, 1, 1], "block": [64, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, num_tokens=17, hidden_size=1000) -> dict:
    return {
        "out": np.zeros((num_tokens, hidden_size), np.float32),
        "inp": (rng.standard_normal((num_tokens, hidden_size)) * rng.uniform(0.2, 3.0, (num_tokens, 1))).astype(np.float32),
        "weight": rng.uniform(0.5, 1.5, hidden_size).astype(np.float32),
        "num_tokens": np.int32(num_tokens),
        "hidden_size": np.int32(hidden_size),
        "epsilon": np.float32(1e-6),
    }


def reference(inputs: dict) -> dict:
    x = inputs["inp"].astype(np.float64)
    s = 1.0 / np.sqrt((x * x).mean(axis=1, keepdims=True) + float(inputs["epsilon"]))
    return {"out": (x * s * inputs["weight"]).astype(np.float32)}
