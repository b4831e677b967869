"""RMSNorm (eps 1e-6, weight) over dim; AVX2 _mm256_fmadd_ps with a hand-written horizontal sum
(_mm256_extractf128_ps, _mm_movehl_ps, _mm_shuffle_ps) in a static inline helper, scalar tails."""
import numpy as np

ORIGIN = "hand-written: AVX2/FMA intrinsics, hand horizontal sum (extractf128/movehl/shuffle), static inline helper, scalar tail"
ENTRY = "rmsnorm"
PARAMS = ["out", "x", "w", "n_tokens", "dim"]
OUTPUTS = ["out"]
FAMILY = "rmsnorm"
CASES = [dict(n_tokens=64, dim=771), dict(n_tokens=13, dim=4096)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n_tokens=64, dim=771) -> dict:
    return {
        "out": np.zeros((n_tokens, dim), np.float32),
        "x": rng.normal(0.2, 1.5, (n_tokens, dim)).astype(np.float32),
        "w": rng.uniform(0.2, 2.0, dim).astype(np.float32),
        "n_tokens": np.int32(n_tokens),
        "dim": np.int32(dim),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    r = 1.0 / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-6)
    return {"out": (x * r * inputs["w"]).astype(np.float32)}
