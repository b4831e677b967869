"""LayerNorm over the last axis of a 37x53 matrix, eps 1e-5 (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "layer_norm_fwd"
PARAMS = ["X", "gamma", "beta", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "layernorm"
CASES = [dict(rows=37, cols=53)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, rows=37, cols=53) -> dict:
    X = (rng.standard_normal((rows, cols)) * 2.0 + 0.5).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (cols,)).astype(np.float32)
    beta = rng.standard_normal((cols,)).astype(np.float32)
    Y = np.zeros((rows, cols), dtype=np.float32)
    return {
        "X": X,
        "gamma": gamma,
        "beta": beta,
        "Y": Y,
        "rows": np.int32(rows),
        "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    gamma = inputs["gamma"].astype(np.float64)
    beta = inputs["beta"].astype(np.float64)
    mu = X.mean(axis=-1, keepdims=True)
    var = ((X - mu) ** 2).mean(axis=-1, keepdims=True)
    Y = (X - mu) / np.sqrt(var + 1e-5) * gamma + beta
    return {"Y": np.asarray(Y).reshape((37, 53)).astype(np.float32)}
