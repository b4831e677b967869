"""Sign of each element of a 6x96 matrix (with exact zeros; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "sign_kernel_run"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "elementwise"
CASES = [dict(rows=6, cols=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=6, cols=96) -> dict:
    X = np.round(rng.uniform(-3.0, 3.0, (rows, cols))).astype(np.float32)
    Y = np.zeros((rows, cols), dtype=np.float32)
    return {"X": X, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = np.sign(X)
    return {"Y": np.asarray(Y).reshape((6, 96)).astype(np.float32)}
