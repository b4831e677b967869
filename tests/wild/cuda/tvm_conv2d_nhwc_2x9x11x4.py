"""Conv2d NHWC/HWIO: X[2,9,11,4] * W[5,5,4,7], stride 2, no padding -> Y[2,3,4,7] (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "conv2d_kernel"
PARAMS = ["Wt_ptr", "X_ptr", "conv2d_nhwc_ptr"]
OUTPUTS = ["conv2d_nhwc_ptr"]
FAMILY = "conv2d_nhwc"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [1, 1, 1], "block": [8, 16, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((2, 9, 11, 4)).astype(np.float32)
    Wt = rng.standard_normal((5, 5, 4, 7)).astype(np.float32)
    Y = np.zeros((2, 3, 4, 7), dtype=np.float32)
    return {"X_ptr": X, "Wt_ptr": Wt, "conv2d_nhwc_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Wt = inputs["Wt_ptr"].astype(np.float64)
    N, H, W_, C = X.shape
    KH, KW, _, O = Wt.shape
    s, p = 2, 0
    Xp = np.zeros((N, H + 2 * p, W_ + 2 * p, C)); Xp[:, p:p + H, p:p + W_, :] = X
    OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
    Y = np.zeros((N, OH, OW, O))
    for i in range(OH):
        for j in range(OW):
            Y[:, i, j, :] = np.einsum("nhwc,hwco->no", Xp[:, i * s:i * s + KH, j * s:j * s + KW, :], Wt)
    return {"conv2d_nhwc_ptr": np.asarray(Y).reshape((2, 3, 4, 7)).astype(np.float32)}
