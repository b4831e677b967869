"""GEMM C[6,33] = A[6,96] @ B[96,33], fp32 (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "gemm_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=6, N=33, K=96)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=6, N=33, K=96) -> dict:
    A = rng.standard_normal((M, K)).astype(np.float32)
    B = rng.standard_normal((K, N)).astype(np.float32)
    C = np.zeros((M, N), dtype=np.float32)
    return {"A": A, "B": B, "C": C, "M": np.int32(M), "N": np.int32(N), "K": np.int32(K)}


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = A @ B
    return {"C": np.asarray(C).reshape((6, 33)).astype(np.float32)}
