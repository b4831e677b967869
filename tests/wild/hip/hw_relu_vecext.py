"""ReLU with a GCC vector-extension float4_t (4 floats per thread, element access v[k]) and a scalar tail; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, typedef float float4_t __attribute__((__vector_size__(16))), literal 256 block size in the index with __launch_bounds__(256), grid-stride loop, fmaxf tail"
ENTRY = "relu_forward"
PARAMS = ["x", "y", "n"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(n=5003)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"grid": [3, 1, 1], "block": [256, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, n=5003) -> dict:
    return {
        "x": rng.standard_normal(n).astype(np.float32),
        "y": np.zeros(n, np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"y": np.maximum(inputs["x"], np.float32(0.0))}
