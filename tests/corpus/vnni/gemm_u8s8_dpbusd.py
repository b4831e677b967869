"""int8 GEMM C = A(u8) @ B(s8) -> int32 (exact); B reordered to VNNI [K/4][N][4], A words broadcast with _mm512_set1_epi32, _mm512_dpbusd_epi32, K and N tails zero-padded / masked."""
import numpy as np

ENTRY = "gemm_u8s8_s32"
PARAMS = ["A", "B", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=64, N=64, K=64), dict(M=37, N=45, K=70), dict(M=5, N=13, K=255)]


def make_inputs(rng: np.random.Generator, M=64, N=64, K=64) -> dict:
    A = rng.integers(0, 256, size=(M, K), dtype=np.uint8)
    B = rng.integers(-128, 128, size=(K, N), dtype=np.int8)
    C = rng.integers(-2**31, 2**31 - 1, size=(M, N), dtype=np.int32)   # garbage, overwritten
    return dict(A=A, B=B, C=C, M=np.int32(M), N=np.int32(N), K=np.int32(K))


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.int64)
    B = inputs["B"].astype(np.int64)
    return {"C": (A @ B).astype(np.int32)}    # |sum| <= 255*255*128 < 2**31: no wrap
