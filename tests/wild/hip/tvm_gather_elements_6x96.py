"""gather_elements along axis 1: Y[i,j] = X[i, idx[i,j]], X[6,96], idx[6,40] int32 (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "gather_kernel"
PARAMS = ["T_gather_ptr", "X_ptr", "idx_ptr"]
OUTPUTS = ["T_gather_ptr"]
FAMILY = "gather"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
EXTENTS = {"X_ptr": "576"}
LAUNCH = {"grid": [1, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((6, 96)).astype(np.float32)
    idx = rng.integers(0, 96, (6, 40)).astype(np.int32)
    Y = np.zeros((6, 40), dtype=np.float32)
    return {"X_ptr": X, "idx_ptr": idx, "T_gather_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    idx = inputs["idx_ptr"]
    Y = np.take_along_axis(X, idx.astype(np.int64), axis=1)
    return {"T_gather_ptr": np.asarray(Y).reshape((6, 40)).astype(np.float32)}
