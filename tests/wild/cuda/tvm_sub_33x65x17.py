"""Elementwise subtract of two 33x65x17 tensors (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "tensor_sub_kernel"
PARAMS = ["A", "B", "C", "d0", "d1", "d2"]
OUTPUTS = ["C"]
FAMILY = "elementwise"
CASES = [dict(d0=33, d1=65, d2=17)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, d0=33, d1=65, d2=17) -> dict:
    A = rng.standard_normal((d0, d1, d2)).astype(np.float32)
    B = rng.standard_normal((d0, d1, d2)).astype(np.float32)
    C = np.zeros((d0, d1, d2), dtype=np.float32)
    return {"A": A, "B": B, "C": C, "d0": np.int32(d0), "d1": np.int32(d1), "d2": np.int32(d2)}


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = A - B
    return {"C": np.asarray(C).reshape((33, 65, 17)).astype(np.float32)}
