"""GEMV y = A x, one warp per row, float4 loads (K a multiple of 4), unrolled __shfl_down_sync reduction."""
import numpy as np

ORIGIN = "hand-written: warp per row, float4 loads through reinterpret_cast, __device__ dot4 helper, manually unrolled __shfl_down_sync, #define warps per block, early return"
ENTRY = "gemv"
PARAMS = ["A", "x", "y", "M", "K"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=517, K=256), dict(M=45, K=1000)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=517, K=256) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "x": rng.uniform(-1.0, 1.0, K).astype(np.float32),
        "y": np.zeros(M, np.float32),
        "M": np.int32(M),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"y": (inputs["A"].astype(np.float64) @ inputs["x"].astype(np.float64)).astype(np.float32)}
