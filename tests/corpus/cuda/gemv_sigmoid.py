"""GEMV with sigmoid epilogue y = 1/(1+expf(-(W@x + b))), fp32; x staged in dynamic shared memory (3rd launch arg, bytes), warp per row, __shfl_down_sync reduce.
Traced: M=77,K=300: y[75] -> block 9, warp 3; lane 12 sums W[75,k]*x[k] for k = 12, 44, ..., 268 (9 terms); lane 0 writes y[75]; block 9 warps 5..7 (rows 77..79) exit."""
import numpy as np

ENTRY = "gemv_sigmoid_kernel"
PARAMS = ["W", "x", "bias", "y", "M", "K"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=77, K=300), dict(M=8, K=20), dict(M=130, K=1029)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, M=77, K=300) -> dict:
    return {
        "W": (rng.standard_normal((M, K)) / np.sqrt(K) * 2.0).astype(np.float32),
        "x": rng.standard_normal(K).astype(np.float32),
        "bias": rng.standard_normal(M).astype(np.float32),
        "y": rng.standard_normal(M).astype(np.float32),
        "M": np.int32(M), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    z = inputs["W"].astype(np.float64) @ inputs["x"].astype(np.float64) + inputs["bias"].astype(np.float64)
    return {"y": (1.0 / (1.0 + np.exp(-z))).astype(np.float32)}
