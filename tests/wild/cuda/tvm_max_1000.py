"""Maximum of 1000 elements (keepdims: 1 output; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "reduce_max_kernel"
PARAMS = ["X", "Y", "n"]
OUTPUTS = ["Y"]
FAMILY = "reduction"
CASES = [dict(n=1000)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    X = (rng.permutation(n) * 0.01 - 3.0).astype(np.float32)
    Y = np.zeros((1,), dtype=np.float32)
    return {"X": X, "Y": Y, "n": np.int32(n)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = X.max(keepdims=True)
    return {"Y": np.asarray(Y).reshape((1,)).astype(np.float32)}
