"""Concatenate A[37,20] and B[37,33] along axis 1 -> C[37,53] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "concat_cols"
PARAMS = ["A", "B", "C", "rows", "ca", "cb"]
OUTPUTS = ["C"]
FAMILY = "concat"
CASES = [dict(rows=37, ca=20, cb=33)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=37, ca=20, cb=33) -> dict:
    A = rng.standard_normal((rows, ca)).astype(np.float32)
    B = rng.standard_normal((rows, cb)).astype(np.float32)
    C = np.zeros((rows, ca + cb), dtype=np.float32)
    return {"A": A, "B": B, "C": C, "rows": np.int32(rows), "ca": np.int32(ca), "cb": np.int32(cb)}


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = np.concatenate([A, B], axis=1)
    return {"C": np.asarray(C).reshape((37, 53)).astype(np.float32)}
