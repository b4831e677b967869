"""Batched matmul with 16x16 shared-memory tiles, batch index on blockIdx.z; M, N, K not multiples of the tile."""
import numpy as np

ORIGIN = "hand-written: dim3 block(16, 16), batch on grid.z, #define TILE, shared-memory tiling with zero padding, CUDA_SAFE_CALL macro, shapes as parameters"
ENTRY = "bmm"
PARAMS = ["A", "B", "C", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=3, M=37, N=53, K=29), dict(batch=2, M=64, N=20, K=50)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=3, M=37, N=53, K=29) -> dict:
    return {
        "A": rng.standard_normal((batch, M, K)).astype(np.float32),
        "B": rng.standard_normal((batch, K, N)).astype(np.float32),
        "C": np.zeros((batch, M, N), np.float32),
        "batch": np.int32(batch), "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"C": np.matmul(inputs["A"].astype(np.float64), inputs["B"].astype(np.float64)).astype(np.float32)}
