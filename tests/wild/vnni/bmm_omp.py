"""Batched matmul C[b] = A[b] @ B[b]; OpenMP parallel for collapse(2) over (batch, row), i-k-j loop order."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), i-k-j scalar loop nest, shapes as parameters"
ENTRY = "bmm"
PARAMS = ["C", "A", "B", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=8, M=37, N=29, K=64), dict(batch=3, M=64, N=100, K=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=8, M=37, N=29, K=64) -> dict:
    return {
        "C": np.full((batch, M, N), np.nan, np.float32),
        "A": rng.standard_normal((batch, M, K)).astype(np.float32),
        "B": rng.uniform(-1.0, 1.0, (batch, K, N)).astype(np.float32),
        "batch": np.int32(batch), "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"C": np.matmul(inputs["A"].astype(np.float64), inputs["B"].astype(np.float64)).astype(np.float32)}
