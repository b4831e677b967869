"""Direct conv2d, NHWC x, HWIO filter, #define 3x3, CIN=8, COUT=16, runtime stride / pad (zero padding), whole filter staged in LDS per block, blockDim (16 out-channels, 16 pixels), grid (ceil(HO*WO/16), N), hipLaunchKernelGGL.
Traced: N=2, H=15, W=12, stride=2, pad=1 -> HO=8, WO=6; y[1, 7, 5, 15]: p=47 -> block (2, 1), thread (15, 15); ih = 13..15 (15 skipped), iw = 9..11; acc over ci of x[1,ih,iw,ci]*ws[((kh*3+kw)*8+ci)*16+15]."""
import numpy as np

ENTRY = "conv2d_nhwc_kernel"
PARAMS = ["x", "w", "y", "N", "H", "W", "stride", "pad"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nhwc"
K, CIN, COUT = 3, 8, 16
CASES = [dict(N=2, H=15, W=12, stride=2, pad=1), dict(N=1, H=13, W=13, stride=1, pad=1),
         dict(N=2, H=9, W=10, stride=1, pad=0)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def _out(n, stride, pad):
    return (n + 2 * pad - K) // stride + 1


def make_inputs(rng: np.random.Generator, N=2, H=15, W=12, stride=2, pad=1) -> dict:
    HO, WO = _out(H, stride, pad), _out(W, stride, pad)
    return {
        "x": rng.standard_normal((N, H, W, CIN)).astype(np.float32),
        "w": (rng.standard_normal((K, K, CIN, COUT)) / np.sqrt(K * K * CIN)).astype(np.float32),
        "y": rng.standard_normal((N, HO, WO, COUT)).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "stride": np.int32(stride), "pad": np.int32(pad),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64); w = inputs["w"].astype(np.float64)
    s, p = int(inputs["stride"]), int(inputs["pad"])
    N, H, W, _ = x.shape
    HO, WO = _out(H, s, p), _out(W, s, p)
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    y = np.zeros((N, HO, WO, COUT))
    for kh in range(K):
        for kw in range(K):
            patch = xp[:, kh:kh + s * (HO - 1) + 1:s, kw:kw + s * (WO - 1) + 1:s, :]
            y += patch @ w[kh, kw]
    return {"y": y.astype(np.float32)}
