"""ReLU over a 6x96 matrix (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "relu_kernel"
PARAMS = ["X_ptr", "compute_ptr"]
OUTPUTS = ["compute_ptr"]
FAMILY = "elementwise"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [1, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.uniform(-2.0, 2.0, (6, 96)).astype(np.float32)
    Y = np.zeros((6, 96), dtype=np.float32)
    return {"X_ptr": X, "compute_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Y = np.maximum(X, 0.0)
    return {"compute_ptr": np.asarray(Y).reshape((6, 96)).astype(np.float32)}
