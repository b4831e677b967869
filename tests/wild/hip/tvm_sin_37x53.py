"""Sine of each element of a 37x53 matrix (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "tir_sin_kernel"
PARAMS = ["X_ptr", "compute_ptr"]
OUTPUTS = ["compute_ptr"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.uniform(-6.0, 6.0, (37, 53)).astype(np.float32)
    Y = np.zeros((37, 53), dtype=np.float32)
    return {"X_ptr": X, "compute_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Y = np.sin(X)
    return {"compute_ptr": np.asarray(Y).reshape((37, 53)).astype(np.float32)}
