"""Depthwise conv2d NCHW: X[1,8,17,13] * W[8,1,3,3], groups 8, stride 1, padding 1 (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "depthwise_conv2d"
PARAMS = ["X", "Wt", "Y", "n", "c", "h", "w"]
OUTPUTS = ["Y"]
FAMILY = "depthwise_conv"
CASES = [dict(n=1, c=8, h=17, w=13)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=1, c=8, h=17, w=13) -> dict:
    X = rng.standard_normal((n, c, h, w)).astype(np.float32)
    Wt = rng.standard_normal((c, 1, 3, 3)).astype(np.float32)
    Y = np.zeros((n, c, h, w), dtype=np.float32)
    return {
        "X": X,
        "Wt": Wt,
        "Y": Y,
        "n": np.int32(n),
        "c": np.int32(c),
        "h": np.int32(h),
        "w": np.int32(w),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Wt = inputs["Wt"].astype(np.float64)
    N, C, H, W_ = X.shape
    O, Cg, KH, KW = Wt.shape
    s, p = 1, 1
    Xp = np.zeros((N, C, H + 2 * p, W_ + 2 * p)); Xp[:, :, p:p + H, p:p + W_] = X
    OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
    G = 8
    Y = np.zeros((N, O, OH, OW))
    for o in range(O):
        g = o // (O // G)
        for i in range(OH):
            for j in range(OW):
                win = Xp[:, g * Cg:(g + 1) * Cg, i * s:i * s + KH, j * s:j * s + KW]
                Y[:, o, i, j] = (win * Wt[o]).sum(axis=(1, 2, 3))
    return {"Y": np.asarray(Y).reshape((1, 8, 17, 13)).astype(np.float32)}
