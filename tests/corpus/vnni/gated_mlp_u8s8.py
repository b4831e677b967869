"""Int8 gated MLP out = silu(x Wg^T) * (x Wu^T): u8 activations (per-token scale, zero point) x s8 weights (per-row scales) on _mm512_dpbusd_epi32, zero-point compensation via dpbusd with ones, masked K tail (_mm512_maskz_loadu_epi8), float dequantize + silu."""
import numpy as np

ENTRY = "gated_mlp_u8s8"
PARAMS = ["x", "xs", "wg", "gs", "wu", "us", "out", "T", "F", "K", "zp"]
OUTPUTS = ["out"]
FAMILY = "gated_mlp"
CASES = [dict(T=8, F=32, K=128), dict(T=5, F=19, K=100)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}   # int32 dots exact; float dequantize + expf


def make_inputs(rng: np.random.Generator, T=8, F=32, K=128) -> dict:
    return dict(x=rng.integers(0, 256, size=(T, K), dtype=np.uint8),
                xs=rng.uniform(0.005, 0.02, T).astype(np.float32),
                wg=rng.integers(-128, 128, size=(F, K), dtype=np.int8),
                gs=rng.uniform(0.002, 0.01, F).astype(np.float32),
                wu=rng.integers(-128, 128, size=(F, K), dtype=np.int8),
                us=rng.uniform(0.002, 0.01, F).astype(np.float32),
                out=rng.standard_normal((T, F)).astype(np.float32),
                T=np.int32(T), F=np.int32(F), K=np.int32(K), zp=np.int32(128))


def reference(inputs: dict) -> dict:
    xr = (inputs["x"].astype(np.float64) - int(inputs["zp"])) * inputs["xs"].astype(np.float64)[:, None]
    wg = inputs["wg"].astype(np.float64) * inputs["gs"].astype(np.float64)[:, None]
    wu = inputs["wu"].astype(np.float64) * inputs["us"].astype(np.float64)[:, None]
    g, u = xr @ wg.T, xr @ wu.T
    return {"out": (g / (1.0 + np.exp(-g)) * u).astype(np.float32)}
