"""Quantized GEMM u8 x s8 -> s32 with AVX-512 VNNI _mm512_dpbusd_epi32; B repacked into a
std::vector as [K/4][N16][4] with zero padding, A broadcast 4 bytes at a time, masked int32 store."""
import numpy as np

ORIGIN = "hand-written: AVX-512 VNNI (_mm512_dpbusd_epi32), std::vector packing buffer, memcpy, masked store"
ENTRY = "gemm_u8s8s32"
PARAMS = ["C", "A", "B", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=64, N=100, K=258), dict(M=37, N=53, K=99)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, M=64, N=100, K=258) -> dict:
    return {
        "C": np.zeros((M, N), np.int32),
        "A": rng.integers(0, 256, (M, K), dtype=np.uint8),
        "B": rng.integers(-128, 128, (K, N), dtype=np.int8),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    c = inputs["A"].astype(np.int64) @ inputs["B"].astype(np.int64)
    return {"C": c.astype(np.int32)}
