"""GEMM plus row-broadcast bias with 16x16 LDS tiles (B tile padded), fmaf accumulation; M, N, K not multiples of 16."""
import numpy as np

ORIGIN = "hand-written: dim3 block(16, 16) passed to hipLaunchKernelGGL, #define TILE_SIZE, LDS tiles with +1 padding, fmaf, #pragma unroll, iostream-based HIP_CHECK macro, shapes as parameters"
ENTRY = "gemm_bias"
PARAMS = ["A", "B", "bias", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=70, N=45, K=93), dict(M=33, N=100, K=17)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=70, N=45, K=93) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.standard_normal((K, N)).astype(np.float32),
        "bias": rng.uniform(-1.0, 1.0, N).astype(np.float32),
        "C": np.zeros((M, N), np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    C = inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64) + inputs["bias"]
    return {"C": C.astype(np.float32)}
