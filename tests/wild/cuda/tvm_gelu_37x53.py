"""GELU (erf form) over a 37x53 matrix (TVM-generated)."""
import math
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "gelu_kernel_launch"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "elementwise"
CASES = [dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    X = rng.uniform(-4.0, 4.0, (rows, cols)).astype(np.float32)
    Y = np.zeros((rows, cols), dtype=np.float32)
    return {"X": X, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    erf = np.vectorize(math.erf)
    Y = 0.5 * X * (1.0 + erf(X / np.sqrt(2.0)))
    return {"Y": np.asarray(Y).reshape((37, 53)).astype(np.float32)}
