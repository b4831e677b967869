"""Conv2d 3x3 stride 1 pad 1, NCHW x / OIHW w + bias, 16x16 output tiles with an 18x18 LDS halo tile per input channel (zero outside the image), runtime N/C/H/W/K, hipLaunchKernelGGL.
Traced: N=2, C=4, H=13, W=19, K=6, y[1, 5, 12, 18]: grid z = 1*6+5 = 11, block (1, 0), tx=2, ty=12; tile[hy][hx] = x[1,c,hy-1,15+hx]; taps tile[12+r][2+s] = x[1,c,11+r,17+s], column 19 (=W) and row 13 (=H) are zero pads."""
import numpy as np

ENTRY = "conv2d_3x3_nchw_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "C", "H", "W", "K"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nchw"
CASES = [dict(N=2, C=4, H=13, W=19, K=6), dict(N=1, C=3, H=32, W=32, K=8)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=2, C=4, H=13, W=19, K=6) -> dict:
    return {
        "x": rng.standard_normal((N, C, H, W)).astype(np.float32),
        "w": rng.standard_normal((K, C, 3, 3)).astype(np.float32),
        "bias": rng.standard_normal(K).astype(np.float32),
        "y": rng.standard_normal((N, K, H, W)).astype(np.float32),
        "N": np.int32(N), "C": np.int32(C), "H": np.int32(H), "W": np.int32(W), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64); w = inputs["w"].astype(np.float64)
    N, C, H, W = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)))
    y = np.zeros((N, w.shape[0], H, W)) + inputs["bias"].astype(np.float64)[None, :, None, None]
    for r in range(3):
        for s in range(3):
            y += np.einsum("kc,nchw->nkhw", w[:, :, r, s], xp[:, :, r:r + H, s:s + W])
    return {"y": y.astype(np.float32)}
