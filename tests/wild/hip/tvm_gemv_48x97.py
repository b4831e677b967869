"""GEMV y[48] = A[48,97] @ x[97] (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "matmul_kernel"
PARAMS = ["A_ptr", "matmul_ptr", "x_ptr"]
OUTPUTS = ["matmul_ptr"]
FAMILY = "gemv"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [3, 1, 1], "block": [32, 16, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    A = rng.standard_normal((48, 97)).astype(np.float32)
    x = rng.standard_normal((97,)).astype(np.float32)
    y = np.zeros((48,), dtype=np.float32)
    return {"A_ptr": A, "x_ptr": x, "matmul_ptr": y}


def reference(inputs: dict) -> dict:
    A = inputs["A_ptr"].astype(np.float64)
    x = inputs["x_ptr"].astype(np.float64)
    y = A @ x
    return {"matmul_ptr": np.asarray(y).reshape((48,)).astype(np.float32)}
