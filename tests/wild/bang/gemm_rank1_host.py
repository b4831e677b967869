"""GEMM C = A @ B with shapes as parameters; rank-1 updates (__bang_mul_scalar + __bang_add) with B resident in NRAM; CNRT host launcher, Union1 x4."""
import numpy as np

ORIGIN = "hand-written: host launcher (CNRT_CHECK macro), shapes as parameters, taskId stride over rows, scalar-times-vector accumulation"
ENTRY = "gemm_rank1_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=37, N=61, K=53), dict(M=64, N=48, K=32)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=37, N=61, K=53) -> dict:
    return {"A": rng.standard_normal((M, K)).astype(np.float32),
            "B": rng.uniform(-1.0, 1.0, (K, N)).astype(np.float32),
            "C": np.zeros((M, N), np.float32),
            "M": np.int32(M), "N": np.int32(N), "K": np.int32(K)}


def reference(inputs: dict) -> dict:
    return {"C": (inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64)).astype(np.float32)}
