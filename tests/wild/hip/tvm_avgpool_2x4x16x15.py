"""Average pool 2x2, stride 2, no padding, NCHW X[2,4,16,15] -> Y[2,4,8,7]; the last column is never read (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "avg_pool2d_kernel"
PARAMS = ["X_ptr", "pool_avg_ptr"]
OUTPUTS = ["pool_avg_ptr"]
FAMILY = "pooling"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
EXTENTS = {"X_ptr": "1920"}
LAUNCH = {"grid": [448, 1, 1], "block": [4, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = rng.standard_normal((2, 4, 16, 15)).astype(np.float32)
    Y = np.zeros((2, 4, 8, 7), dtype=np.float32)
    return {"X_ptr": X, "pool_avg_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    Y = X[:, :, :16, :14].reshape(2, 4, 8, 2, 7, 2).mean(axis=(3, 5))
    return {"pool_avg_ptr": np.asarray(Y).reshape((2, 4, 8, 7)).astype(np.float32)}
