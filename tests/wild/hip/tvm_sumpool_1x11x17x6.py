"""Sum pool 2x2, stride 1, no padding (TE compute), NHWC X[1,11,17,6] -> Y[1,10,16,6] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "sum_pool_nhwc"
PARAMS = ["X", "Y", "n", "h", "w", "c"]
OUTPUTS = ["Y"]
FAMILY = "pooling"
CASES = [dict(n=1, h=11, w=17, c=6)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=1, h=11, w=17, c=6) -> dict:
    X = rng.standard_normal((n, h, w, c)).astype(np.float32)
    Y = np.zeros((n, h - 1, w - 1, c), dtype=np.float32)
    return {"X": X, "Y": Y, "n": np.int32(n), "h": np.int32(h), "w": np.int32(w), "c": np.int32(c)}


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = X[:, :-1, :-1] + X[:, 1:, :-1] + X[:, :-1, 1:] + X[:, 1:, 1:]
    return {"Y": np.asarray(Y).reshape((1, 10, 16, 6)).astype(np.float32)}
