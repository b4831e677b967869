"""Permute NCHW -> NHWC: X[2,3,17,13] -> Y[2,17,13,3] (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "transpose_kernel"
PARAMS = ["T_transpose_ptr", "X_ptr"]
OUTPUTS = ["T_transpose_ptr"]
FAMILY = "transpose"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((2, 3, 17, 13)).astype(np.float32)
    Y = np.zeros((2, 17, 13, 3), dtype=np.float32)
    return {"X_ptr": X, "T_transpose_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Y = X.transpose(0, 2, 3, 1).copy()
    return {"T_transpose_ptr": np.asarray(Y).reshape((2, 17, 13, 3)).astype(np.float32)}
