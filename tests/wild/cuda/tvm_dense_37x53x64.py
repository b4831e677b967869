"""Dense layer Y[37,53] = X[37,64] @ W[53,64]^T + b[53] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "dense_forward"
PARAMS = ["X", "W", "bias", "Y", "batch", "in_features", "out_features"]
OUTPUTS = ["Y"]
FAMILY = "dense"
CASES = [dict(batch=37, in_features=64, out_features=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=37, in_features=64, out_features=53) -> dict:
    X = rng.standard_normal((batch, in_features)).astype(np.float32)
    W = rng.standard_normal((out_features, in_features)).astype(np.float32)
    bias = rng.standard_normal((out_features,)).astype(np.float32)
    Y = np.zeros((batch, out_features), dtype=np.float32)
    return {
        "X": X,
        "W": W,
        "bias": bias,
        "Y": Y,
        "batch": np.int32(batch),
        "in_features": np.int32(in_features),
        "out_features": np.int32(out_features),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    W = inputs["W"].astype(np.float64)
    bias = inputs["bias"].astype(np.float64)
    Y = X @ W.T + bias
    return {"Y": np.asarray(Y).reshape((37, 53)).astype(np.float32)}
