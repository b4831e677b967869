"""GEMV y = A@x, wavefront per row (4 rows per 256-thread block), x staged through LDS in 256-element chunks (zero-padded), all threads reach the barriers, __shfl_down from 32, hipLaunchKernelGGL.
Traced: M=103, N=600, y[102]: block 25, wave 2 (row 25*4+2=102), chunks c0=0,256,512 (last: c<88 valid), lane 0 after shuffles writes y[102]; waves 3 of block 25 (row 103) inactive."""
import numpy as np

ENTRY = "gemv_rows_kernel"
PARAMS = ["A", "x", "y", "M", "N"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=103, N=600), dict(M=64, N=256), dict(M=5, N=1000)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=103, N=600) -> dict:
    return {
        "A": rng.standard_normal((M, N)).astype(np.float32),
        "x": rng.standard_normal(N).astype(np.float32),
        "y": rng.standard_normal(M).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N),
    }


def reference(inputs: dict) -> dict:
    return {"y": (inputs["A"].astype(np.float64) @ inputs["x"].astype(np.float64)).astype(np.float32)}
