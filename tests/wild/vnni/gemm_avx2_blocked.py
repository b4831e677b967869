"""Row-major SGEMM C = A*B, cache-blocked (MC 48, KC 96, NC 64: blocks that do not divide the shapes),
AVX2 _mm256_fmadd_ps rank-1 updates with _mm256_set1_ps broadcast, scalar column tail."""
import numpy as np

ORIGIN = "hand-written: AVX2/FMA intrinsics, #define cache blocks not dividing the shapes, memset, scalar tail"
ENTRY = "sgemm_blocked"
PARAMS = ["C", "A", "B", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=100, N=75, K=130), dict(M=37, N=53, K=200)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=100, N=75, K=130) -> dict:
    return {
        "C": np.zeros((M, N), np.float32),
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.uniform(-1.0, 1.0, (K, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    return {"C": (inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64)).astype(np.float32)}
