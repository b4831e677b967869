"""Vector-matrix GEMV y[300] = x[129] @ A[129,300] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "gemv_kernel"
PARAMS = ["x", "A", "y", "n", "k"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(n=300, k=129)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=300, k=129) -> dict:
    x = rng.standard_normal((k,)).astype(np.float32)
    A = rng.standard_normal((k, n)).astype(np.float32)
    y = np.zeros((n,), dtype=np.float32)
    return {"x": x, "A": A, "y": y, "n": np.int32(n), "k": np.int32(k)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    A = inputs["A"].astype(np.float64)
    y = x @ A
    return {"y": np.asarray(y).reshape((300,)).astype(np.float32)}
