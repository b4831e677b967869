"""Conv1d, PyTorch NCL float32, CI 16 -> CO 32, kernel 5, stride 2, no padding, + bias, runtime N and L <= 128; __bang_conv with height 1 on HWC data: weights [CO][CI][KW] -> [CO][1][KW][CI] by per-channel __bang_transpose, __bang_reshape_filter + NRAM2WRAM; per image (Block tasks) __bang_transpose [CI][L] -> [L][CI], conv, __bang_cycle_add bias, __bang_transpose back to [CO][Lo], 1-D copies."""
import numpy as np

ENTRY = "conv1d_ncl_kernel"
PARAMS = ["x", "w", "bias", "y", "N", "L"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
CASES = [dict(N=3, L=50), dict(N=6, L=37)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

CI, CO, KW, STRIDE = 16, 32, 5, 2


def make_inputs(rng: np.random.Generator, N=3, L=50) -> dict:
    lo = (L - KW) // STRIDE + 1
    return {
        "x": rng.standard_normal((N, CI, L)).astype(np.float32),
        "w": (rng.standard_normal((CO, CI, KW)) / np.sqrt(CI * KW)).astype(np.float32),
        "bias": rng.standard_normal(CO).astype(np.float32),
        "y": rng.standard_normal((N, CO, lo)).astype(np.float32),
        "N": np.int32(N),
        "L": np.int32(L),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    L = x.shape[2]
    lo = (L - KW) // STRIDE + 1
    cols = np.stack([x[:, :, l * STRIDE:l * STRIDE + KW] for l in range(lo)], axis=2)   # [N][CI][lo][KW]
    y = np.einsum("nilk,oik->nol", cols, w) + inputs["bias"].astype(np.float64)[None, :, None]
    return {"y": y.astype(np.float32)}
