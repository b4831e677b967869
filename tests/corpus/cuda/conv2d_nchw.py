"""Direct conv2d NCHW x KCRS (+bias), fp32, #define-fixed shapes (2x4x19x23 -> 2x6x10x12, 3x3, stride 2, pad 1), per-(n,k) filter staged in __shared__, 16x8 pixel tiles with tails.
Traced: y[1,4,9,11] -> blockIdx (0, 1, z=1*6+4=10), thread (x=11, y=1); ih = 17..19 (19 skipped as padding), iw = 21..23 (23 skipped)."""
import numpy as np

ENTRY = "conv2d_nchw_kernel"
PARAMS = ["x", "w", "bias", "y"]
OUTPUTS = ["y"]
FAMILY = "conv2d_nchw"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

BATCH, IN_C, IN_H, IN_W, OUT_C, KH, KW, STRIDE, PAD = 2, 4, 19, 23, 6, 3, 3, 2, 1
OUT_H = (IN_H + 2 * PAD - KH) // STRIDE + 1
OUT_W = (IN_W + 2 * PAD - KW) // STRIDE + 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "x": rng.standard_normal((BATCH, IN_C, IN_H, IN_W)).astype(np.float32),
        "w": rng.standard_normal((OUT_C, IN_C, KH, KW)).astype(np.float32),
        "bias": rng.standard_normal(OUT_C).astype(np.float32),
        "y": rng.standard_normal((BATCH, OUT_C, OUT_H, OUT_W)).astype(np.float32),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    out = np.zeros((BATCH, OUT_C, OUT_H, OUT_W))
    for r in range(KH):
        for s in range(KW):
            patch = xp[:, :, r:r + STRIDE * OUT_H:STRIDE, s:s + STRIDE * OUT_W:STRIDE]
            out += np.einsum("ncpq,kc->nkpq", patch, w[:, :, r, s])
    out += inputs["bias"].astype(np.float64)[None, :, None, None]
    return {"y": out.astype(np.float32)}
