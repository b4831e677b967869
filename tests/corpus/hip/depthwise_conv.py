"""Depthwise conv 3x3 stride 2 pad 1, NHWC x, HWC weights + bias, one thread per output (channel fastest), bounds-checked taps, HO/WO computed by the host launcher, <<<>>> launch.
Traced: N=2, H=15, W=16, C=24 -> HO=8, WO=8; y[1, 7, 7, 23]: idx = ((1*8+7)*8+7)*24+23 = 3071, block 11 thread 255; ih0=iw0=13, taps rows 13,14 (15 skipped), cols 13,14,15."""
import numpy as np

ENTRY = "dwconv3x3_s2_nhwc_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "H", "W", "C"]
OUTPUTS = ["y"]
FAMILY = "depthwise_conv"
CASES = [dict(N=2, H=15, W=16, C=24), dict(N=1, H=16, W=9, C=7)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def _out(n):
    return (n + 2 - 3) // 2 + 1


def make_inputs(rng: np.random.Generator, N=2, H=15, W=16, C=24) -> dict:
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "w": rng.standard_normal((3, 3, C)).astype(np.float32),
        "bias": rng.standard_normal(C).astype(np.float32),
        "y": rng.standard_normal((N, _out(H), _out(W), C)).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64); w = inputs["w"].astype(np.float64)
    N, H, W, C = x.shape
    HO, WO = _out(H), _out(W)
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y = np.zeros((N, HO, WO, C)) + inputs["bias"].astype(np.float64)
    for r in range(3):
        for s in range(3):
            y += xp[:, r:r + 2 * HO:2, s:s + 2 * WO:2, :] * w[r, s]
    return {"y": y.astype(np.float32)}
