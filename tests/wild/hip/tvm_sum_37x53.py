"""Row sums of a 37x53 matrix (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "row_sum_kernel"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "reduction"
CASES = [dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    X = rng.standard_normal((rows, cols)).astype(np.float32)
    Y = np.zeros((rows,), dtype=np.float32)
    return {"X": X, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = X.sum(axis=1)
    return {"Y": np.asarray(Y).reshape((37,)).astype(np.float32)}
