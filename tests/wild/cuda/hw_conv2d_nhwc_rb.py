"""conv2d NHWC x KRSC -> NHWK, 16x16 thread tiles over the output plane, 4 output channels per thread (register blocking), K not a multiple of 4."""
import numpy as np

ORIGIN = "hand-written: dim3 block(16, 16), register blocking over output channels, min() on ints to clamp, grid.z folding batch and channel groups, shapes and stride/pad as parameters, output size computed in the launcher"
ENTRY = "conv2d_nhwc"
PARAMS = ["x", "w", "y", "N", "H", "W", "C", "K", "R", "S", "stride", "pad"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nhwc"
CASES = [dict(N=2, H=20, W=19, C=8, K=10, R=3, S=3, stride=1, pad=1),
         dict(N=1, H=35, W=33, C=6, K=12, R=5, S=5, stride=2, pad=2)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def _out(H, W, R, S, stride, pad):
    return (H + 2 * pad - R) // stride + 1, (W + 2 * pad - S) // stride + 1


def make_inputs(rng: np.random.Generator, N=2, H=20, W=19, C=8, K=10, R=3, S=3, stride=1, pad=1) -> dict:
    OH, OW = _out(H, W, R, S, stride, pad)
    return {
        "x": rng.standard_normal((N, H, W, C)).astype(np.float32),
        "w": (rng.standard_normal((K, R, S, C)) * 0.2).astype(np.float32),
        "y": np.zeros((N, OH, OW, K), np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C), "K": np.int32(K),
        "R": np.int32(R), "S": np.int32(S), "stride": np.int32(stride), "pad": np.int32(pad),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    N, H, W, C = x.shape
    K, R, S, _ = w.shape
    st, p = int(inputs["stride"]), int(inputs["pad"])
    OH, OW = _out(H, W, R, S, st, p)
    xp = np.pad(x, ((0, 0), (p, p), (p, p), (0, 0)))
    y = np.zeros((N, OH, OW, K))
    for r in range(R):
        for s in range(S):
            patch = xp[:, r:r + st * (OH - 1) + 1:st, s:s + st * (OW - 1) + 1:st, :]
            y += np.einsum("nhwc,kc->nhwk", patch, w[:, r, s, :])
    return {"y": y.astype(np.float32)}
