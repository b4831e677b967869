"""Batched matmul C[b] = A[b] @ B[b], float32 torch.bmm layout, runtime M, N, K <= 64; Block tasks over the batch, B[K][N] 2-D __memcpy'd into a zeroed [K pad 16][N pad 64] NRAM tile, __bang_transpose to the [N][K] operand, __bang_reshape_filter + NRAM2WRAM, A 2-D copied with zero K padding, __bang_matmul, 2-D store dropping the N padding."""
import numpy as np

ENTRY = "bmm_matmul_kernel"
PARAMS = ["A", "B", "C", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=5, M=24, N=40, K=36), dict(batch=3, M=64, N=64, K=64)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=5, M=24, N=40, K=36) -> dict:
    return {
        "A": rng.standard_normal((batch, M, K)).astype(np.float32),
        "B": rng.standard_normal((batch, K, N)).astype(np.float32),
        "C": rng.standard_normal((batch, M, N)).astype(np.float32),
        "batch": np.int32(batch),
        "M": np.int32(M),
        "N": np.int32(N),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"C": (inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64)).astype(np.float32)}
