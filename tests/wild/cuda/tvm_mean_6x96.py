"""Row means of a 6x96 matrix (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "mean_kernel"
PARAMS = ["T_divide_ptr", "X_ptr"]
OUTPUTS = ["T_divide_ptr"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [6, 1, 1], "block": [64, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((6, 96)).astype(np.float32)
    Y = np.zeros((6,), dtype=np.float32)
    return {"X_ptr": X, "T_divide_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Y = X.mean(axis=1)
    return {"T_divide_ptr": np.asarray(Y).reshape((6,)).astype(np.float32)}
