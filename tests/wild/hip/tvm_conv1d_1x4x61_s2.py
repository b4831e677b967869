"""Conv1d NCW: X[1,4,61] * W[6,4,3], stride 2, padding 1 -> Y[1,6,31] (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "conv1d_kernel"
PARAMS = ["Wt_ptr", "X_ptr", "conv1d_ncw_ptr"]
OUTPUTS = ["conv1d_ncw_ptr"]
FAMILY = "conv1d"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [1, 1, 1], "block": [8, 16, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((1, 4, 61)).astype(np.float32)
    Wt = rng.standard_normal((6, 4, 3)).astype(np.float32)
    Y = np.zeros((1, 6, 31), dtype=np.float32)
    return {"X_ptr": X, "Wt_ptr": Wt, "conv1d_ncw_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Wt = inputs["Wt_ptr"].astype(np.float64)
    N, C, L = X.shape
    O, _, KW = Wt.shape
    s, p = 2, 1
    Xp = np.zeros((N, C, L + 2 * p)); Xp[:, :, p:p + L] = X
    OL = (L + 2 * p - KW) // s + 1
    Y = np.zeros((N, O, OL))
    for i in range(OL):
        Y[:, :, i] = np.einsum("nck,ock->no", Xp[:, :, i * s:i * s + KW], Wt)
    return {"conv1d_ncw_ptr": np.asarray(Y).reshape((1, 6, 31)).astype(np.float32)}
