"""Gated MLP: Y = (silu(X W1) * (X W2)) W3, X[37,64], W1/W2[64,96], W3[96,64] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "gated_mlp_forward"
PARAMS = ["X", "W1", "W2", "W3", "Y", "tokens", "hidden", "inter"]
OUTPUTS = ["Y"]
FAMILY = "gated_mlp"
CASES = [dict(tokens=37, hidden=64, inter=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, tokens=37, hidden=64, inter=96) -> dict:
    X = rng.standard_normal((tokens, hidden)).astype(np.float32)
    W1 = (rng.standard_normal((hidden, inter)) * 0.125).astype(np.float32)
    W2 = (rng.standard_normal((hidden, inter)) * 0.125).astype(np.float32)
    W3 = (rng.standard_normal((inter, hidden)) * 0.1).astype(np.float32)
    Y = np.zeros((tokens, hidden), dtype=np.float32)
    return {
        "X": X,
        "W1": W1,
        "W2": W2,
        "W3": W3,
        "Y": Y,
        "tokens": np.int32(tokens),
        "hidden": np.int32(hidden),
        "inter": np.int32(inter),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    W1 = inputs["W1"].astype(np.float64)
    W2 = inputs["W2"].astype(np.float64)
    W3 = inputs["W3"].astype(np.float64)
    H1 = X @ W1
    Y = ((H1 / (1.0 + np.exp(-H1))) * (X @ W2)) @ W3
    return {"Y": np.asarray(Y).reshape((37, 64)).astype(np.float32)}
