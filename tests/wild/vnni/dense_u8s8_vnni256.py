"""Quantized linear layer, u8 activations with zero point x s8 per-channel weights, int32 accumulation
through 256-bit VNNI _mm256_dpbusd_epi32 (EVEX/AVX512VL), zero-point correction via a std::vector of
weight row sums, dequantized to float with bias."""
import numpy as np

ORIGIN = "hand-written: 256-bit VNNI (_mm256_dpbusd_epi32), hand int32 horizontal sum (extracti128/shuffle_epi32), std::vector scratch, float scalar parameters"
ENTRY = "qlinear_u8s8"
PARAMS = ["y", "x", "W", "w_scale", "bias", "x_scale", "x_zp", "batch", "in_features", "out_features"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(batch=37, in_features=200, out_features=96), dict(batch=16, in_features=1000, out_features=100)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=37, in_features=200, out_features=96) -> dict:
    return {
        "y": np.zeros((batch, out_features), np.float32),
        "x": rng.integers(0, 256, (batch, in_features), dtype=np.uint8),
        "W": rng.integers(-128, 128, (out_features, in_features), dtype=np.int8),
        "w_scale": rng.uniform(0.001, 0.01, out_features).astype(np.float32),
        "bias": rng.normal(0.0, 1.0, out_features).astype(np.float32),
        "x_scale": np.float32(0.02),
        "x_zp": np.int32(128),
        "batch": np.int32(batch), "in_features": np.int32(in_features), "out_features": np.int32(out_features),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.int64)
    W = inputs["W"].astype(np.int64)
    acc = x @ W.T - int(inputs["x_zp"]) * W.sum(axis=1)
    scale = (np.float32(inputs["x_scale"]) * inputs["w_scale"]).astype(np.float32)
    y = acc.astype(np.float64) * scale.astype(np.float64) + inputs["bias"].astype(np.float64)
    return {"y": y.astype(np.float32)}
