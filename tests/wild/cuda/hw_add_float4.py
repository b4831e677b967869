"""Elementwise add with float4 vector loads in a grid-stride loop and a scalar tail (n % 4 != 0)."""
import numpy as np

ORIGIN = "hand-written: float4 vector loads, grid-stride loop, scalar tail, CUDA_CHECK macro, host launcher with cudaMalloc/cudaMemcpy"
ENTRY = "add_kernel"
PARAMS = ["A", "B", "C", "n"]
OUTPUTS = ["C"]
FAMILY = "elementwise"
CASES = [dict(n=10003), dict(n=1000)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=10003) -> dict:
    return {
        "A": rng.standard_normal(n).astype(np.float32),
        "B": rng.uniform(-3.0, 3.0, n).astype(np.float32),
        "C": np.zeros(n, np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"C": inputs["A"] + inputs["B"]}
