"""SGEMM C = alpha*A@B + beta*C (C read and written), 16x16 LDS tiles with zero-padded loads in M/N/K, guarded stores, 2-D (16,16) blocks, hipLaunchKernelGGL.
Traced: M=45, N=38, K=51, C[44, 37]: block (2, 2), thread (tx=5, ty=12); k-tiles 0,16,32,48 (ka>=51 and kb>=51 load 0); acc = sum_k A[44,k]B[k,37]."""
import numpy as np

ENTRY = "sgemm_lds_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K", "alpha", "beta"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=45, N=38, K=51), dict(M=64, N=64, K=64), dict(M=17, N=5, K=3)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=45, N=38, K=51) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.standard_normal((K, N)).astype(np.float32),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
        "alpha": np.float32(1.5), "beta": np.float32(-0.75),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64); B = inputs["B"].astype(np.float64); C = inputs["C"].astype(np.float64)
    out = float(inputs["alpha"]) * (A @ B) + float(inputs["beta"]) * C
    return {"C": out.astype(np.float32)}
