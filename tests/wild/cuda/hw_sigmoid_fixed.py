"""Sigmoid with __expf over a fixed 1023-element buffer; the size is a #define, the launcher's int is a byte count."""
import numpy as np

ORIGIN = "hand-written: #define shapes baked into kernel, __launch_bounds__ matching literal block size, __expf, size parameter means bytes, cudaDeviceSynchronize"
ENTRY = "sigmoid_kernel"
PARAMS = ["x", "y", "bytes"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(bytes=1023 * 4)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, bytes=1023 * 4) -> dict:
    n = bytes // 4
    return {
        "x": rng.uniform(-8.0, 8.0, n).astype(np.float32),
        "y": np.zeros(n, np.float32),
        "bytes": np.int32(bytes),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    return {"y": (1.0 / (1.0 + np.exp(-x))).astype(np.float32)}
