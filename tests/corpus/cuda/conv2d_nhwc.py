"""Direct conv2d NHWC x HWIO [3][3][C][K] (+bias), fp32, runtime N/H/W/C/K/stride/pad, flat grid-stride loop (capped grid) with output channel fastest.
Traced: case 2 (N=1,H=11,W=9,C=5,K=7,s=2,p=0 -> P=5,Q=4): y[0,3,2,6] = flat 6+7*(2+4*3)=104 -> block 0 thread 104, one trip; ih=6..8, iw=4..6, c=0..4."""
import numpy as np

ENTRY = "conv2d_nhwc_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "H", "W", "C", "K", "stride", "pad"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nhwc"
KH = KW = 3
CASES = [dict(N=2, H=12, W=12, C=8, K=20, stride=1, pad=1),
         dict(N=1, H=11, W=9, C=5, K=7, stride=2, pad=0),
         dict(N=3, H=16, W=16, C=16, K=24, stride=2, pad=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def _out(H, W, stride, pad):
    return (H + 2 * pad - KH) // stride + 1, (W + 2 * pad - KW) // stride + 1


def make_inputs(rng: np.random.Generator, N=2, H=12, W=12, C=8, K=20, stride=1, pad=1) -> dict:
    P, Q = _out(H, W, stride, pad)
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "w": rng.standard_normal((KH, KW, C, K)).astype(np.float32),
        "bias": rng.standard_normal(K).astype(np.float32),
        "y": rng.standard_normal((N, P, Q, K)).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C), "K": np.int32(K),
        "stride": np.int32(stride), "pad": np.int32(pad),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    s, pd = int(inputs["stride"]), int(inputs["pad"])
    N, H, W, C = x.shape
    P, Q = _out(H, W, s, pd)
    xp = np.pad(x, ((0, 0), (pd, pd), (pd, pd), (0, 0)))
    out = np.zeros((N, P, Q, w.shape[3]))
    for r in range(KH):
        for t in range(KW):
            patch = xp[:, r:r + s * P:s, t:t + s * Q:s, :]  # N,P,Q,C
            out += np.einsum("npqc,ck->npqk", patch, w[r, t])
    out += inputs["bias"].astype(np.float64)
    return {"y": out.astype(np.float32)}
