"""int16 GEMV y = W x with int32 wrapping accumulation; AVX-512 VNNI _mm512_dpwssd_epi32, AVX512BW
zero-masked tail loads (_mm512_maskz_loadu_epi16), _mm512_reduce_add_epi32. Full int16 range, so
sums may wrap mod 2^32 exactly as the hardware does."""
import numpy as np

ORIGIN = "hand-written: AVX-512 VNNI (_mm512_dpwssd_epi32), AVX512BW masked tail, _mm512_reduce_add_epi32"
ENTRY = "gemv_s16s16s32"
PARAMS = ["y", "W", "x", "M", "K"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=300, K=1000), dict(M=37, K=53)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, M=300, K=1000) -> dict:
    return {
        "y": np.zeros(M, np.int32),
        "W": rng.integers(-32768, 32768, (M, K), dtype=np.int16),
        "x": rng.integers(-32768, 32768, K, dtype=np.int16),
        "M": np.int32(M), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    s = inputs["W"].astype(np.int64) @ inputs["x"].astype(np.int64)
    return {"y": ((s + 2**31) % 2**32 - 2**31).astype(np.int32)}
