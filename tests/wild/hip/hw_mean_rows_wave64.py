"""Mean over the last axis, one 256-thread block (4 wavefronts) per row, 64-wide __shfl_xor butterflies then LDS."""
import numpy as np

ORIGIN = "hand-written: wavefront-64 __shfl_xor reduction starting at offset 32, #define WAVE 64 and block size, __launch_bounds__(256), hard-coded sum of 4 wave partials, hipLaunchKernelGGL, no error checks"
ENTRY = "mean_lastdim"
PARAMS = ["input", "output", "rows", "cols"]
OUTPUTS = ["output"]
FAMILY = "reduction"
CASES = [dict(rows=45, cols=1000), dict(rows=3, cols=5000)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, rows=45, cols=1000) -> dict:
    return {
        "input": (rng.standard_normal((rows, cols)) + rng.uniform(-2, 2, (rows, 1))).astype(np.float32),
        "output": np.zeros(rows, np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    return {"output": inputs["input"].astype(np.float64).mean(axis=1).astype(np.float32)}
