"""SGEMM C = alpha*A@B + beta*C with 64x64x8 shared-memory tiles and 4x4 register blocking per thread; edges zero-filled."""
import numpy as np

ORIGIN = "hand-written: shared-memory tiled GEMM with register blocking (4x4 per thread), A tile stored transposed, #define tile sizes, __launch_bounds__(256), #pragma unroll, alpha/beta float scalars, gpuAssert error macro, dim3 grid"
ENTRY = "sgemm"
PARAMS = ["A", "B", "C", "M", "N", "K", "alpha", "beta"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=100, N=70, K=45), dict(M=129, N=65, K=64)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=100, N=70, K=45) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "B": rng.standard_normal((K, N)).astype(np.float32),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
        "alpha": np.float32(1.25), "beta": np.float32(-0.5),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    C = inputs["C"].astype(np.float64)
    return {"C": (float(inputs["alpha"]) * (A @ B) + float(inputs["beta"]) * C).astype(np.float32)}
