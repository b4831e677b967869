"""Row-wise softmax over a 6x96 matrix (TVM-generated, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "softmax_kernel"
PARAMS = ["S_ptr", "T_softmax_norm_ptr"]
OUTPUTS = ["T_softmax_norm_ptr"]
FAMILY = "softmax"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [6, 1, 1], "block": [256, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    S = rng.uniform(-5.0, 5.0, (6, 96)).astype(np.float32)
    P = np.zeros((6, 96), dtype=np.float32)
    return {"S_ptr": S, "T_softmax_norm_ptr": P}


def reference(inputs: dict) -> dict:
    S = inputs["S_ptr"].astype(np.float64)
    e = np.exp(S - S.max(axis=-1, keepdims=True))
    P = e / e.sum(axis=-1, keepdims=True)
    return {"T_softmax_norm_ptr": np.asarray(P).reshape((6, 96)).astype(np.float32)}
