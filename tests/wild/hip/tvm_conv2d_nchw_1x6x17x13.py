"""Conv2d NCHW/OIHW: X[1,6,17,13] * W[8,6,3,3], stride 1, padding 1 -> Y[1,8,17,13] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "conv2d_nchw_fwd"
PARAMS = ["X", "Wt", "Y", "N", "C", "H", "W", "K"]
OUTPUTS = ["Y"]
FAMILY = "conv2d_nchw"
CASES = [dict(N=1, C=6, H=17, W=13, K=8)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, N=1, C=6, H=17, W=13, K=8) -> dict:
    X = rng.standard_normal((N, C, H, W)).astype(np.float32)
    Wt = rng.standard_normal((K, C, 3, 3)).astype(np.float32)
    Y = np.zeros((N, K, H, W), dtype=np.float32)
    return {
        "X": X,
        "Wt": Wt,
        "Y": Y,
        "N": np.int32(N),
        "C": np.int32(C),
        "H": np.int32(H),
        "W": np.int32(W),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Wt = inputs["Wt"].astype(np.float64)
    N, C, H, W_ = X.shape
    O, Cg, KH, KW = Wt.shape
    s, p = 1, 1
    Xp = np.zeros((N, C, H + 2 * p, W_ + 2 * p)); Xp[:, :, p:p + H, p:p + W_] = X
    OH, OW = (H + 2 * p - KH) // s + 1, (W_ + 2 * p - KW) // s + 1
    G = 1
    Y = np.zeros((N, O, OH, OW))
    for o in range(O):
        g = o // (O // G)
        for i in range(OH):
            for j in range(OW):
                win = Xp[:, g * Cg:(g + 1) * Cg, i * s:i * s + KH, j * s:j * s + KW]
                Y[:, o, i, j] = (win * Wt[o]).sum(axis=(1, 2, 3))
    return {"Y": np.asarray(Y).reshape((1, 8, 17, 13)).astype(np.float32)}
