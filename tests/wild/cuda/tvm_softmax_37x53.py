"""Row-wise softmax over a 37x53 matrix (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "softmax_forward"
PARAMS = ["S", "P", "rows", "cols"]
OUTPUTS = ["P"]
FAMILY = "softmax"
CASES = [dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    S = rng.uniform(-5.0, 5.0, (rows, cols)).astype(np.float32)
    P = np.zeros((rows, cols), dtype=np.float32)
    return {"S": S, "P": P, "rows": np.int32(rows), "cols": np.int32(cols)}


def reference(inputs: dict) -> dict:
    S = inputs["S"].astype(np.float64)
    e = np.exp(S - S.max(axis=-1, keepdims=True))
    P = e / e.sum(axis=-1, keepdims=True)
    return {"P": np.asarray(P).reshape((37, 53)).astype(np.float32)}
