"""FP32 GEMM C = A@B with __builtin_amdgcn_mfma_f32_16x16x4f32 (one wavefront per 16x16 tile, blockDim (16,4), float4_ __vector_size__ accumulator), zero-padded loads, guarded stores.
Traced: M=40, N=24, K=30, C[37, 21]: block (1, 2), row0=32, col0=16; D[5][5] of the tile -> lane 16*(5//4)+5 = 21 = (tx 5, ty 1), acc[1]; that lane stores row 32+4*1+1=37, col 16+5=21. K-step 28: ty 2,3 load k=30,31 -> 0."""
import numpy as np

ENTRY = "sgemm_mfma_16x16x4_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=40, N=24, K=30), dict(M=64, N=64, K=64), dict(M=9, N=33, K=5)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=40, N=24, K=30) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.standard_normal((K, N)).astype(np.float32),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64); B = inputs["B"].astype(np.float64)
    return {"C": (A @ B).astype(np.float32)}
