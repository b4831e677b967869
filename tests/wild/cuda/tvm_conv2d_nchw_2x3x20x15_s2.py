"""Conv2d NCHW/OIHW: X[2,3,20,15] * W[5,3,3,3], stride 2, no padding -> Y[2,5,9,7] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "conv2d_stride2"
PARAMS = ["X", "Wt", "Y", "batch", "cin", "ih", "iw", "cout", "kh", "kw"]
OUTPUTS = ["Y"]
FAMILY = "conv2d_nchw"
CASES = [dict(batch=2, cin=3, ih=20, iw=15, cout=5, kh=3, kw=3)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=2, cin=3, ih=20, iw=15, cout=5, kh=3, kw=3) -> dict:
    X = rng.standard_normal((batch, cin, ih, iw)).astype(np.float32)
    Wt = rng.standard_normal((cout, cin, kh, kw)).astype(np.float32)
    Y = np.zeros((batch, cout, 9, 7), dtype=np.float32)
    return {
        "X": X,
        "Wt": Wt,
        "Y": Y,
        "batch": np.int32(batch),
        "cin": np.int32(cin),
        "ih": np.int32(ih),
        "iw": np.int32(iw),
        "cout": np.int32(cout),
        "kh": np.int32(kh),
        "kw": np.int32(kw),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Wt = inputs["Wt"].astype(np.float64)
    N, C, H, W_ = X.shape
    O, Cg, KH, KW = Wt.shape
    s, p = 2, 0
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
    return {"Y": np.asarray(Y).reshape((2, 5, 9, 7)).astype(np.float32)}
