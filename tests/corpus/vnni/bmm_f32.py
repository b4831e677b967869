"""Batched float32 GEMM C[b] = A[b] @ B[b] with #define-fixed 24x36x40 matrices; broadcast-A x B-row _mm512_fmadd_ps, masked 8-column tail, OpenMP collapse(2) over (batch, row)."""
import numpy as np

ENTRY = "bmm_f32"
PARAMS = ["A", "B", "C", "batch"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=3), dict(batch=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

BM, BK, BN = 24, 36, 40


def make_inputs(rng: np.random.Generator, batch=3) -> dict:
    return dict(A=rng.standard_normal((batch, BM, BK)).astype(np.float32),
                B=rng.standard_normal((batch, BK, BN)).astype(np.float32),
                C=rng.standard_normal((batch, BM, BN)).astype(np.float32),
                batch=np.int32(batch))


def reference(inputs: dict) -> dict:
    C = np.matmul(inputs["A"].astype(np.float64), inputs["B"].astype(np.float64))
    return {"C": C.astype(np.float32)}
