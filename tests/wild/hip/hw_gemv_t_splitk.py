"""Transposed GEMV y = A^T x, one thread per column, rows split over grid.y (#define SPLITS 8) and combined with float atomicAdd into a hipMemset-zeroed y."""
import numpy as np

ORIGIN = "hand-written: split-K over grid.y with float atomicAdd, hipMemset zero-init, #define split count and block width used in kernel and launcher, min() on ints, HIP_CHECK macro with #cmd, hipDeviceSynchronize"
ENTRY = "gemv_transposed"
PARAMS = ["A", "x", "y", "M", "N"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=1000, N=300), dict(M=37, N=130)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=1000, N=300) -> dict:
    return {
        "A": rng.standard_normal((M, N)).astype(np.float32),
        "x": rng.uniform(-1.0, 1.0, M).astype(np.float32),
        "y": rng.standard_normal(N).astype(np.float32),   # overwritten: the launcher zeroes y
        "M": np.int32(M), "N": np.int32(N),
    }


def reference(inputs: dict) -> dict:
    return {"y": (inputs["A"].astype(np.float64).T @ inputs["x"].astype(np.float64)).astype(np.float32)}
