"""Column minima of a 33x65 matrix (reduce over axis 0; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "col_min_kernel"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "reduction"
CASES = [dict(rows=33, cols=65)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=33, cols=65) -> dict:
    X = (rng.permutation(rows * cols).reshape((rows, cols)) * 0.01 - 5.0).astype(np.float32)
    Y = np.zeros((cols,), dtype=np.float32)
    return {"X": X, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = X.min(axis=0)
    return {"Y": np.asarray(Y).reshape((65,)).astype(np.float32)}
