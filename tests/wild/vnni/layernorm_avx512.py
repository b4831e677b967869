"""LayerNorm over the hidden dim with gamma/beta, eps 1e-5; AVX-512 two-pass, _mm512_reduce_add_ps, masked tails."""
import numpy as np

ORIGIN = "hand-written: AVX-512 intrinsics (_mm512_fmadd_ps, _mm512_reduce_add_ps, _mm512_maskz_loadu_ps, _mm512_mask_storeu_ps)"
ENTRY = "layernorm_fwd"
PARAMS = ["y", "x", "gamma", "beta", "tokens", "hidden"]
OUTPUTS = ["y"]
FAMILY = "layernorm"
CASES = [dict(tokens=64, hidden=1000), dict(tokens=37, hidden=768), dict(tokens=5, hidden=13)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, tokens=64, hidden=1000) -> dict:
    return {
        "y": np.zeros((tokens, hidden), np.float32),
        "x": rng.normal(1.0, 3.0, (tokens, hidden)).astype(np.float32),
        "gamma": rng.uniform(0.5, 1.5, hidden).astype(np.float32),
        "beta": rng.normal(0.0, 0.2, hidden).astype(np.float32),
        "tokens": np.int32(tokens),
        "hidden": np.int32(hidden),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mu = x.mean(axis=1, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=1, keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * inputs["gamma"] + inputs["beta"]
    return {"y": y.astype(np.float32)}
