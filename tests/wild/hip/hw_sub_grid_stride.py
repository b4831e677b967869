"""Elementwise subtract, size_t grid-stride loop under a capped grid, launched with hipLaunchKernelGGL."""
import numpy as np

ORIGIN = "hand-written: hipLaunchKernelGGL(k, dim3(g), dim3(b), 0, 0, ...), enum { BLOCK = 256 } used only in the launcher, size_t grid-stride loop, HIP_CHECK macro, hipDeviceSynchronize"
ENTRY = "sub_kernel"
PARAMS = ["a", "b", "c", "n"]
OUTPUTS = ["c"]
FAMILY = "elementwise"
CASES = [dict(n=4099), dict(n=1000)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=4099) -> dict:
    return {
        "a": rng.standard_normal(n).astype(np.float32),
        "b": rng.uniform(-2.0, 2.0, n).astype(np.float32),
        "c": np.zeros(n, np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"c": inputs["a"] - inputs["b"]}
