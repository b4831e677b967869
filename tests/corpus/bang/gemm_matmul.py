"""GEMM C = A @ B, fp16 A[M][K] and Bt[N][K] (B pre-arranged as the logical [N][K] WRAM layout), fp32 C; __bang_matmul on 32x64 tiles over Union1 tasks, K padded to 64 B and N to 64 with 2-D __memcpy, __bang_reshape_filter + NRAM2WRAM, 2-D tile store; K <= 256."""
import numpy as np

ENTRY = "gemm_matmul_f16_kernel"
PARAMS = ["A", "Bt", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=64, N=80, K=48), dict(M=37, N=20, K=40), dict(M=100, N=150, K=72)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, M=64, N=80, K=48) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float16),
        "Bt": rng.standard_normal((N, K)).astype(np.float16),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M),
        "N": np.int32(N),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    a = inputs["A"].astype(np.float64)
    bt = inputs["Bt"].astype(np.float64)
    return {"C": (a @ bt.T).astype(np.float32)}
