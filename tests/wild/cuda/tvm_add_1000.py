"""Elementwise add of two 1000-element vectors (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "vector_add_kernel"
PARAMS = ["A", "B", "C", "n"]
OUTPUTS = ["C"]
FAMILY = "elementwise"
CASES = [dict(n=1000)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    A = rng.standard_normal((n,)).astype(np.float32)
    B = rng.standard_normal((n,)).astype(np.float32)
    C = np.zeros((n,), dtype=np.float32)
    return {"A": A, "B": B, "C": C, "n": np.int32(n)}


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = A + B
    return {"C": np.asarray(C).reshape((1000,)).astype(np.float32)}
