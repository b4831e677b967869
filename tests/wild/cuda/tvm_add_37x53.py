"""Elementwise add of two 37x53 matrices (TE compute; TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "default_function_kernel"
PARAMS = ["A_ptr", "B_ptr", "T_add_ptr"]
OUTPUTS = ["T_add_ptr"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    A = rng.standard_normal((37, 53)).astype(np.float32)
    B = rng.standard_normal((37, 53)).astype(np.float32)
    C = np.zeros((37, 53), dtype=np.float32)
    return {"A_ptr": A, "B_ptr": B, "T_add_ptr": C}


def reference(inputs: dict) -> dict:
    A = inputs["A_ptr"].astype(np.float64)
    B = inputs["B_ptr"].astype(np.float64)
    C = A + B
    return {"T_add_ptr": np.asarray(C).reshape((37, 53)).astype(np.float32)}
