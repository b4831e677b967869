"""Conv1d NCW: X[2,6,97] * W[8,6,5], stride 1, no padding -> Y[2,8,93] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "conv1d_forward"
PARAMS = ["X", "Wt", "Y", "batch", "in_ch", "length", "out_ch", "ksize"]
OUTPUTS = ["Y"]
FAMILY = "conv1d"
CASES = [dict(batch=2, in_ch=6, length=97, out_ch=8, ksize=5)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=2, in_ch=6, length=97, out_ch=8, ksize=5) -> dict:
    X = rng.standard_normal((batch, in_ch, length)).astype(np.float32)
    Wt = rng.standard_normal((out_ch, in_ch, ksize)).astype(np.float32)
    Y = np.zeros((batch, out_ch, length - ksize + 1), dtype=np.float32)
    return {
        "X": X,
        "Wt": Wt,
        "Y": Y,
        "batch": np.int32(batch),
        "in_ch": np.int32(in_ch),
        "length": np.int32(length),
        "out_ch": np.int32(out_ch),
        "ksize": np.int32(ksize),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Wt = inputs["Wt"].astype(np.float64)
    N, C, L = X.shape
    O, _, KW = Wt.shape
    s, p = 1, 0
    Xp = np.zeros((N, C, L + 2 * p)); Xp[:, :, p:p + L] = X
    OL = (L + 2 * p - KW) // s + 1
    Y = np.zeros((N, O, OL))
    for i in range(OL):
        Y[:, :, i] = np.einsum("nck,ock->no", Xp[:, :, i * s:i * s + KW], Wt)
    return {"Y": np.asarray(Y).reshape((2, 8, 93)).astype(np.float32)}
