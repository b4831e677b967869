"""RMSNorm over the last axis of a 6x96 matrix, eps 1e-5 (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "rmsnorm_kernel"
PARAMS = ["X", "gamma", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "rmsnorm"
CASES = [dict(rows=6, cols=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=6, cols=96) -> dict:
    X = rng.standard_normal((rows, cols)).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (cols,)).astype(np.float32)
    Y = np.zeros((rows, cols), dtype=np.float32)
    return {"X": X, "gamma": gamma, "Y": Y, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    gamma = inputs["gamma"].astype(np.float64)
    Y = X / np.sqrt((X ** 2).mean(axis=-1, keepdims=True) + 1e-5) * gamma
    return {"Y": np.asarray(Y).reshape((6, 96)).astype(np.float32)}
