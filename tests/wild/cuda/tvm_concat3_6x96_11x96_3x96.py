"""Concatenate A[6,96], B[11,96], C[3,96] along axis 0 -> D[20,96] (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "concatenate_kernel"
PARAMS = ["A_ptr", "B_ptr", "C_ptr", "T_concat_ptr"]
OUTPUTS = ["T_concat_ptr"]
FAMILY = "concat"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    A = rng.standard_normal((6, 96)).astype(np.float32)
    B = rng.standard_normal((11, 96)).astype(np.float32)
    C = rng.standard_normal((3, 96)).astype(np.float32)
    D = np.zeros((20, 96), dtype=np.float32)
    return {"A_ptr": A, "B_ptr": B, "C_ptr": C, "T_concat_ptr": D}


def reference(inputs: dict) -> dict:
    A = inputs["A_ptr"].astype(np.float64)
    B = inputs["B_ptr"].astype(np.float64)
    C = inputs["C_ptr"].astype(np.float64)
    D = np.concatenate([A, B, C], axis=0)
    return {"T_concat_ptr": np.asarray(D).reshape((20, 96)).astype(np.float32)}
