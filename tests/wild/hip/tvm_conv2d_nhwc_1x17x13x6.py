"""Conv2d NHWC/HWIO: X[1,17,13,6] * W[3,3,6,8], stride 1, padding 1 -> Y[1,17,13,8] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "conv2d_nhwc_kernel"
PARAMS = ["X", "Wt", "Y", "n", "h", "w", "c", "k"]
OUTPUTS = ["Y"]
FAMILY = "conv2d_nhwc"
CASES = [dict(n=1, h=17, w=13, c=6, k=8)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=1, h=17, w=13, c=6, k=8) -> dict:
    X = rng.standard_normal((n, h, w, c)).astype(np.float32)
    Wt = rng.standard_normal((3, 3, c, k)).astype(np.float32)
    Y = np.zeros((n, h, w, k), dtype=np.float32)
    return {
        "X": X,
        "Wt": Wt,
        "Y": Y,
        "n": np.int32(n),
        "h": np.int32(h),
        "w": np.int32(w),
        "c": np.int32(c),
        "k": np.int32(k),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Wt = inputs["Wt"].astype(np.float64)
    N, H, W_, C = X.shape
    KH, KW, _, O = Wt.shape
    s, p = 1, 1
    Xp = np.zeros((N, H + 2 * p, W_ + 2 * p, C)); Xp[:, p:p + H, p:p + W_, :] = X
    OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
    Y = np.zeros((N, OH, OW, O))
    for i in range(OH):
        for j in range(OW):
            Y[:, i, j, :] = np.einsum("nhwc,hwco->no", Xp[:, i * s:i * s + KH, j * s:j * s + KW, :], Wt)
    return {"Y": np.asarray(Y).reshape((1, 17, 13, 8)).astype(np.float32)}
