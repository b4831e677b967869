"""Batched matmul C[2,37,24] = A[2,37,16] @ B[2,16,24] (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "batched_gemm"
PARAMS = ["A", "B", "C", "b", "m", "n", "k"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [dict(b=2, m=37, n=24, k=16)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, b=2, m=37, n=24, k=16) -> dict:
    A = rng.standard_normal((b, m, k)).astype(np.float32)
    B = rng.standard_normal((b, k, n)).astype(np.float32)
    C = np.zeros((b, m, n), dtype=np.float32)
    return {
        "A": A,
        "B": B,
        "C": C,
        "b": np.int32(b),
        "m": np.int32(m),
        "n": np.int32(n),
        "k": np.int32(k),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = A @ B
    return {"C": np.asarray(C).reshape((2, 37, 24)).astype(np.float32)}
