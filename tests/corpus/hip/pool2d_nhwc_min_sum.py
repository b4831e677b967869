"""2-D min / sum pooling (runtime mode 0 min, 1 sum; padded taps skipped), NHWC with #define C=24 as float4 quads, 3x3 window stride 2 pad 1, one thread per (output pixel, quad), 1-D grid with guarded tail, hipLaunchKernelGGL.
Traced: N=2, H=13, W=10, mode=0 -> HO=7, WO=5, 420 threads; y[1, 6, 4, 23]: pixel 69, quad 5 -> gid 419 (block 1, thread 163); window rows 11..13 -> 11,12, cols 7..9; .w = min over 6 taps of x[1,h,w,23]."""
import numpy as np

ENTRY = "pool2d_nhwc_kernel"
PARAMS = ["x", "y", "N", "H", "W", "mode"]
OUTPUTS = ["y"]
FAMILY = "pooling"
C = 24
CASES = [dict(N=2, H=13, W=10, mode=0), dict(N=2, H=13, W=10, mode=1), dict(N=1, H=16, W=16, mode=1)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def _out(n):
    return (n + 2 - 3) // 2 + 1


def make_inputs(rng: np.random.Generator, N=2, H=13, W=10, mode=0) -> dict:
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "y": rng.standard_normal((N, _out(H), _out(W), C)).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "mode": np.int32(mode),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    N, H, W, _ = x.shape
    y = np.empty((N, _out(H), _out(W), C))
    for oh in range(_out(H)):
        for ow in range(_out(W)):
            win = x[:, max(2 * oh - 1, 0):min(2 * oh + 2, H), max(2 * ow - 1, 0):min(2 * ow + 2, W), :]
            y[:, oh, ow] = win.min(axis=(1, 2)) if int(inputs["mode"]) == 0 else win.sum(axis=(1, 2))
    return {"y": y.astype(np.float32)}
