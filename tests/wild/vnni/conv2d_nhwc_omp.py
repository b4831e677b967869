"""Conv2d NHWC/HWIO, 33x33x24 -> 17x17x32, 3x3 stride 2 pad 1, bias; const int shapes (patch array
sized IC * KH * KW), OpenMP parallel for collapse(2) over output pixels, batch a parameter."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), const int shapes as array sizes, private stack patch, bool"
ENTRY = "conv2d_nhwc_s2"
PARAMS = ["out", "in", "weight", "bias", "N"]
OUTPUTS = ["out"]
FAMILY = "conv2d_nhwc"
CASES = [dict(N=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

IC, OC, K, H, W, S, P = 24, 32, 3, 33, 33, 2, 1
OH = (H + 2 * P - K) // S + 1
OW = (W + 2 * P - K) // S + 1


def make_inputs(rng: np.random.Generator, N=1) -> dict:
    return {
        "out": np.zeros((N, OH, OW, OC), np.float32),
        "in": rng.standard_normal((N, H, W, IC)).astype(np.float32),
        "weight": (rng.standard_normal((K, K, IC, OC)) * 0.15).astype(np.float32),
        "bias": rng.normal(0.0, 0.2, OC).astype(np.float32),
        "N": np.int32(N),
    }


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["in"].astype(np.float64), ((0, 0), (P, P), (P, P), (0, 0)))
    w = inputs["weight"].astype(np.float64)
    y = np.zeros((x.shape[0], OH, OW, OC)) + inputs["bias"]
    for kh in range(K):
        for kw in range(K):
            win = x[:, kh:kh + S * (OH - 1) + 1:S, kw:kw + S * (OW - 1) + 1:S, :]
            y += np.einsum("nhwc,co->nhwo", win, w[kh, kw])
    return {"out": y.astype(np.float32)}
