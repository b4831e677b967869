"""Matrix transpose: Y[53,37] = X[37,53]^T (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "transpose_kernel_host"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "transpose"
CASES = [dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    X = rng.standard_normal((rows, cols)).astype(np.float32)
    Y = np.zeros((cols, rows), dtype=np.float32)
    return {"X": X, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = X.T.copy()
    return {"Y": np.asarray(Y).reshape((53, 37)).astype(np.float32)}
