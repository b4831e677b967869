"""2-D max / avg pooling (runtime mode 0 max, 1 avg excluding padding), NCHW, 3x3 window stride 2 pad 1, 2-D (16,16) blocks over output plane, grid.z = N*C, hipLaunchKernelGGL.
Traced: N=2, C=3, H=W=35 -> HO=WO=18; y[1, 2, 17, 17]: plane 5, block (1, 1), thread (1, 1); window rows/cols 33..35 clipped to 33..34 -> 4 taps, avg divides by 4."""
import numpy as np

ENTRY = "pool2d_nchw_kernel"
PARAMS = ["x", "y", "N", "C", "H", "W", "mode"]
OUTPUTS = ["y"]
FAMILY = "pooling"
CASES = [dict(N=2, C=3, H=35, W=35, mode=0), dict(N=2, C=3, H=35, W=35, mode=1), dict(N=1, C=4, H=16, W=11, mode=1)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def _out(n):
    return (n + 2 - 3) // 2 + 1


def make_inputs(rng: np.random.Generator, N=2, C=3, H=35, W=35, mode=0) -> dict:
    return {
        "x": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "y": rng.standard_normal((N, C, _out(H), _out(W))).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W), "mode": np.int32(mode),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    N, C, H, W = x.shape
    HO, WO = _out(H), _out(W)
    y = np.empty((N, C, HO, WO))
    for oh in range(HO):
        for ow in range(WO):
            h0, w0 = max(oh * 2 - 1, 0), max(ow * 2 - 1, 0)
            h1, w1 = min(oh * 2 + 2, H), min(ow * 2 + 2, W)
            win = x[:, :, h0:h1, w0:w1]
            y[:, :, oh, ow] = win.max(axis=(2, 3)) if int(inputs["mode"]) == 0 else win.mean(axis=(2, 3))
    return {"y": y.astype(np.float32)}
