"""Batched FP32 GEMM C[b] = A[b]@B[b] with __builtin_amdgcn_mfma_f32_32x32x2f32 (one wavefront per 32x32 tile, blockDim (32,2), batch in blockIdx.z, ext_vector_type(16) accumulator), A/B k-chunks of 8 staged in LDS zero-padded, guarded stores.
Traced: batch=3, M=45, N=40, K=19, C[2, 44, 39]: block (1, 1, 2), row0=32, col0=32; tile D[12][7] -> lane 32*((12//4)%2)+7 = 39 = (tx 7, ty 1), element 4*(12//8)+12%4 = 4; stored at row 32+8*1+4*1+0=44, col 39. Chunk k0=16: k 19..23 padded with 0."""
import numpy as np

ENTRY = "bmm_mfma_f32_kernel"
PARAMS = ["A", "B", "C", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=3, M=45, N=40, K=19), dict(batch=2, M=64, N=32, K=32)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=3, M=45, N=40, K=19) -> dict:
    return {
        "A": rng.standard_normal((batch, M, K)).astype(np.float32),
        "B": rng.standard_normal((batch, K, N)).astype(np.float32),
        "C": rng.standard_normal((batch, M, N)).astype(np.float32),
        "batch": np.int32(batch), "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64); B = inputs["B"].astype(np.float64)
    return {"C": (A @ B).astype(np.float32)}
