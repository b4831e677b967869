"""fp32 GEMM C = alpha*A@B + beta*C (row-major), 32x32x16 shared-memory tiles zero-filled at the M/N/K tails, 16x16 threads with 2x2 register micro-tiles.
Traced: M=70,N=45,K=37: C[49,40] -> block (x=1, y=1), thread (tx=8, ty=1), register acc10 (r1 = 32+1+16 = 49, c0 = 32+8 = 40); k tiles k0 = 0, 16, 32 (As cols / Bs rows 37..47 zero-filled)."""
import numpy as np

ENTRY = "gemm_tiled_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K", "alpha", "beta"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=70, N=45, K=37), dict(M=64, N=64, K=64), dict(M=5, N=33, K=3)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=70, N=45, K=37) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.standard_normal((K, N)).astype(np.float32),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
        "alpha": np.float32(1.5), "beta": np.float32(-0.5),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = inputs["C"].astype(np.float64)
    out = float(inputs["alpha"]) * (A @ B) + float(inputs["beta"]) * C
    return {"C": out.astype(np.float32)}
