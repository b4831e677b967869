"""Batched matmul C[3,17,29] = A[3,17,33] @ B[3,33,29] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "bmm_kernel"
PARAMS = ["A", "B", "C", "batch", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(batch=3, M=17, N=29, K=33)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=3, M=17, N=29, K=33) -> dict:
    A = rng.standard_normal((batch, M, K)).astype(np.float32)
    B = rng.standard_normal((batch, K, N)).astype(np.float32)
    C = np.zeros((batch, M, N), dtype=np.float32)
    return {
        "A": A,
        "B": B,
        "C": C,
        "batch": np.int32(batch),
        "M": np.int32(M),
        "N": np.int32(N),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = A @ B
    return {"C": np.asarray(C).reshape((3, 17, 29)).astype(np.float32)}
