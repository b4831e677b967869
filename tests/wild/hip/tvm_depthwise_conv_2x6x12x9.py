"""Depthwise conv2d NCHW: X[2,6,12,9] * W[6,1,5,5], groups 6, stride 1, padding 2 (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "conv2d_kernel"
PARAMS = ["Wt_ptr", "X_ptr", "group_conv2d_nchw_ptr"]
OUTPUTS = ["group_conv2d_nchw_ptr"]
FAMILY = "depthwise_conv"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((2, 6, 12, 9)).astype(np.float32)
    Wt = rng.standard_normal((6, 1, 5, 5)).astype(np.float32)
    Y = np.zeros((2, 6, 12, 9), dtype=np.float32)
    return {"X_ptr": X, "Wt_ptr": Wt, "group_conv2d_nchw_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Wt = inputs["Wt_ptr"].astype(np.float64)
    N, C, H, W_ = X.shape
    O, Cg, KH, KW = Wt.shape
    s, p = 1, 2
    Xp = np.zeros((N, C, H + 2 * p, W_ + 2 * p)); Xp[:, :, p:p + H, p:p + W_] = X
    OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
    G = 6
    Y = np.zeros((N, O, OH, OW))
    for o in range(O):
        g = o // (O // G)
        for i in range(OH):
            for j in range(OW):
                win = Xp[:, g * Cg:(g + 1) * Cg, i * s:i * s + KH, j * s:j * s + KW]
                Y[:, o, i, j] = (win * Wt[o]).sum(axis=(1, 2, 3))
    return {"group_conv2d_nchw_ptr": np.asarray(Y).reshape((2, 6, 12, 9)).astype(np.float32)}
