"""Depthwise conv 3x3 NHWC, stride 1, zero pad 1, per-channel bias, weights [3][3][C]; AVX-512 across
channels with _mm512_fmadd_ps, masked tail loads/stores (_mm512_maskz_loadu_ps, _mm512_mask_storeu_ps)."""
import numpy as np

ORIGIN = "hand-written: AVX-512 intrinsics, channel-vectorised, masked tails (_mm512_maskz_loadu_ps/_mm512_mask_storeu_ps)"
ENTRY = "dwconv3x3_nhwc"
PARAMS = ["out", "in", "w", "bias", "N", "H", "W", "C"]
OUTPUTS = ["out"]
FAMILY = "depthwise_conv"
CASES = [dict(N=2, H=33, W=33, C=40), dict(N=1, H=14, W=14, C=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, N=2, H=33, W=33, C=40) -> dict:
    return {
        "out": np.zeros((N, H, W, C), np.float32),
        "in": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "w": rng.uniform(-0.5, 0.5, (3, 3, C)).astype(np.float32),
        "bias": rng.normal(0.0, 0.1, C).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    x = inputs["in"].astype(np.float64)
    N, H, W, C = x.shape
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y = np.zeros_like(x) + inputs["bias"]
    for ky in range(3):
        for kx in range(3):
            y += xp[:, ky:ky + H, kx:kx + W, :] * inputs["w"][ky, kx]
    return {"out": y.astype(np.float32)}
