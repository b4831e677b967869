"""Dense layer Y[6,33] = X[6,96] @ W[33,96]^T + b[33] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "linear_bias_kernel"
PARAMS = ["X", "W", "bias", "Y", "n", "m", "k"]
OUTPUTS = ["Y"]
FAMILY = "dense"
CASES = [dict(n=6, m=33, k=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=6, m=33, k=96) -> dict:
    X = rng.standard_normal((n, k)).astype(np.float32)
    W = rng.standard_normal((m, k)).astype(np.float32)
    bias = rng.standard_normal((m,)).astype(np.float32)
    Y = np.zeros((n, m), dtype=np.float32)
    return {
        "X": X,
        "W": W,
        "bias": bias,
        "Y": Y,
        "n": np.int32(n),
        "m": np.int32(m),
        "k": np.int32(k),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    W = inputs["W"].astype(np.float64)
    bias = inputs["bias"].astype(np.float64)
    Y = X @ W.T + bias
    return {"Y": np.asarray(Y).reshape((6, 33)).astype(np.float32)}
