"""RMSNorm on fp16 rows with fp32 accumulation, half2 loads, warp xor-shuffle reduce; eps passed as a float literal by the launcher."""
import numpy as np

ORIGIN = "hand-written: __half/__half2 storage with float accumulation, __shfl_xor_sync, #define block size, __shared__ broadcast of the scale, rsqrtf, CUDA_CHECK macro, cudaDeviceSynchronize"
ENTRY = "rmsnorm_fp16"
PARAMS = ["x", "w", "y", "rows", "hidden"]
OUTPUTS = ["y"]
FAMILY = "rmsnorm"
CASES = [dict(rows=33, hidden=1000), dict(rows=4, hidden=4096)]
TOLERANCE = {"rtol": 2e-3, "atol": 2e-3}


def make_inputs(rng: np.random.Generator, rows=33, hidden=1000) -> dict:
    return {
        "x": (rng.standard_normal((rows, hidden)) * 0.8).astype(np.float16),
        "w": rng.uniform(0.5, 1.5, hidden).astype(np.float16),
        "y": np.zeros((rows, hidden), np.float16),
        "rows": np.int32(rows),
        "hidden": np.int32(hidden),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    inv = 1.0 / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-6)
    return {"y": (x * inv * inputs["w"].astype(np.float64)).astype(np.float16)}
