"""Max pool 3x3, stride 2, padding 1 (padding never wins), NCHW X[1,6,17,13] -> Y[1,6,9,7] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "maxpool2d_forward"
PARAMS = ["X", "Y", "n", "c", "h", "w"]
OUTPUTS = ["Y"]
FAMILY = "pooling"
CASES = [dict(n=1, c=6, h=17, w=13)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=1, c=6, h=17, w=13) -> dict:
    X = (rng.permutation(n * c * h * w).reshape((n, c, h, w)) * 0.01 - 7.0).astype(np.float32)
    Y = np.zeros((n, c, 9, 7), dtype=np.float32)
    return {"X": X, "Y": Y, "n": np.int32(n), "c": np.int32(c), "h": np.int32(h), "w": np.int32(w)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    N, C, H, W_ = X.shape
    Xp = np.full((N, C, H + 2, W_ + 2), -np.inf); Xp[:, :, 1:1 + H, 1:1 + W_] = X
    Y = np.zeros((N, C, 9, 7))
    for i in range(9):
        for j in range(7):
            Y[:, :, i, j] = Xp[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].max(axis=(2, 3))
    return {"Y": np.asarray(Y).reshape((1, 6, 9, 7)).astype(np.float32)}
