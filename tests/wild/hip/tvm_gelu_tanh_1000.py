"""GELU (tanh approximation) over 1000 elements (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "gelu_tanh_kernel_host"
PARAMS = ["X", "Y", "n"]
OUTPUTS = ["Y"]
FAMILY = "elementwise"
CASES = [dict(n=1000)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    X = rng.uniform(-4.0, 4.0, (n,)).astype(np.float32)
    Y = np.zeros((n,), dtype=np.float32)
    return {"X": X, "Y": Y, "n": np.int32(n)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = 0.5 * X * (1.0 + np.tanh(np.sqrt(2.0 / np.pi) * (X + 0.044715 * X ** 3)))
    return {"Y": np.asarray(Y).reshape((1000,)).astype(np.float32)}
