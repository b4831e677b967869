"""LayerNorm over the last axis of a 6x96 matrix, eps 1e-5 (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "layer_norm_kernel"
PARAMS = ["T_layer_norm_ptr", "X_ptr", "beta_ptr", "gamma_ptr"]
OUTPUTS = ["T_layer_norm_ptr"]
FAMILY = "layernorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [6, 1, 1], "block": [256, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = (rng.standard_normal((6, 96)) * 2.0 + 0.5).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (96,)).astype(np.float32)
    beta = rng.standard_normal((96,)).astype(np.float32)
    Y = np.zeros((6, 96), dtype=np.float32)
    return {"X_ptr": X, "gamma_ptr": gamma, "beta_ptr": beta, "T_layer_norm_ptr": Y}


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    gamma = inputs["gamma_ptr"].astype(np.float64)
    beta = inputs["beta_ptr"].astype(np.float64)
    mu = X.mean(axis=-1, keepdims=True)
    var = ((X - mu) ** 2).mean(axis=-1, keepdims=True)
    Y = (X - mu) / np.sqrt(var + 1e-5) * gamma + beta
    return {"T_layer_norm_ptr": np.asarray(Y).reshape((6, 96)).astype(np.float32)}
