"""2D pooling NCHW, 3x3 window, stride 2, runtime zero-padding pad <= 1; mode 0 = max (padding ignored), mode 1 = average over the valid (non-padding) elements; template <int MODE> kernel chosen at launch.
Traced: mode 1, N=2,C=3,H=W=17,pad=1 (P=Q=9): y[1,0,0,8] -> block (0, 0, z=3), thread (8, 0); window rows -1..1 (row -1 skipped), cols 15..17 (17 skipped) -> mean of 4 values."""
import numpy as np

ENTRY = "pool2d_kernel"
PARAMS = ["x", "y", "N", "C", "H", "W", "pad", "mode"]
OUTPUTS = ["y"]
FAMILY = "pooling"
K, S = 3, 2
CASES = [dict(N=2, C=3, H=17, W=17, pad=1, mode=0), dict(N=2, C=3, H=17, W=17, pad=1, mode=1),
         dict(N=1, C=4, H=20, W=70, pad=0, mode=1), dict(N=1, C=2, H=12, W=9, pad=0, mode=0)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def _out(H, W, pad):
    return (H + 2 * pad - K) // S + 1, (W + 2 * pad - K) // S + 1


def make_inputs(rng: np.random.Generator, N=2, C=3, H=17, W=17, pad=1, mode=0) -> dict:
    P, Q = _out(H, W, pad)
    return {
        "x": (rng.standard_normal((N, C, H, W)) - 1.0).astype(np.float32),  # mostly negative: padding must not act as 0
        "y": rng.standard_normal((N, C, P, Q)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W),
        "pad": np.int32(pad), "mode": np.int32(mode),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    pad, mode = int(inputs["pad"]), int(inputs["mode"])
    N, C, H, W = x.shape
    P, Q = _out(H, W, pad)
    out = np.empty((N, C, P, Q))
    for p in range(P):
        for q in range(Q):
            h0, w0 = p * S - pad, q * S - pad
            win = x[:, :, max(h0, 0):min(h0 + K, H), max(w0, 0):min(w0 + K, W)]
            out[:, :, p, q] = win.max(axis=(2, 3)) if mode == 0 else win.mean(axis=(2, 3))
    return {"y": out.astype(np.float32)}
