"""int8 GEMV u8 activations x s8 weights + int32 bias -> int32; 128-bit VNNI _mm_dpbusd_epi32 from
_mm_setzero_si128, lanes summed through _mm_storeu_si128 to a stack array, scalar tail."""
import numpy as np

ORIGIN = "hand-written: 128-bit AVX512VL VNNI (_mm_dpbusd_epi32, _mm_setzero_si128, _mm_loadu_si128), scalar tail"
ENTRY = "qgemv_u8s8"
PARAMS = ["y", "x", "W", "bias", "out_features", "in_features"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(out_features=96, in_features=200), dict(out_features=1000, in_features=1023)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, out_features=96, in_features=200) -> dict:
    return {
        "y": np.zeros(out_features, np.int32),
        "x": rng.integers(0, 256, in_features, dtype=np.uint8),
        "W": rng.integers(-128, 128, (out_features, in_features), dtype=np.int8),
        "bias": rng.integers(-100000, 100000, out_features, dtype=np.int32),
        "out_features": np.int32(out_features), "in_features": np.int32(in_features),
    }


def reference(inputs: dict) -> dict:
    y = inputs["W"].astype(np.int64) @ inputs["x"].astype(np.int64) + inputs["bias"]
    return {"y": y.astype(np.int32)}
