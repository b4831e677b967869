"""Batched GEMM C[b] = A[b] @ B[b], fp32 row-major, blockIdx.z = batch; 32x32 block tile, BK=16 shared-memory tiles (zero-filled past M, N, K), 32x8 threads each holding a 4-row register strip.
Traced: batch=3, M=37, N=45, K=20: C[2,35,40] -> block (x=1, y=1, z=2), thread (tx=8, ty=3), acc0 (row 32+3); K steps 0 and 16 (As cols / Bs rows 20..31 zero); thread (tx=13, ty=0) of block (1,1) returns (col 45)."""
import numpy as np

ENTRY = "bmm_tiled_kernel"
PARAMS = ["A", "B", "C", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=3, M=37, N=45, K=20), dict(batch=2, M=64, N=32, K=48), dict(batch=4, M=1, N=7, K=5)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=3, M=37, N=45, K=20) -> dict:
    return {
        "A": rng.standard_normal((batch, M, K)).astype(np.float32),
        "B": rng.standard_normal((batch, K, N)).astype(np.float32),
        "C": rng.standard_normal((batch, M, N)).astype(np.float32),  # garbage, fully overwritten
        "batch": np.int32(batch), "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"C": (inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64)).astype(np.float32)}
