"""GEMV with bias y = A @ x + b, float32 A[M][K], runtime M and K <= 320; float __bang_mlp + __bang_add bias on 64-row tiles of A strided over Union1 {4,1,1} tasks, each tile 2-D __memcpy'd into a zeroed NRAM block (K padded to 64 B, height to 64), __bang_reshape_filter + NRAM2WRAM; x staged once with zero padding."""
import numpy as np

ENTRY = "gemv_mlp_bias_kernel"
PARAMS = ["A", "x", "b", "y", "M", "K"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=200, K=300), dict(M=64, K=128)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=200, K=300) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float32),
        "x": rng.standard_normal(K).astype(np.float32),
        "b": rng.standard_normal(M).astype(np.float32),
        "y": rng.standard_normal(M).astype(np.float32),
        "M": np.int32(M),
        "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    y = inputs["A"].astype(np.float64) @ inputs["x"].astype(np.float64) + inputs["b"].astype(np.float64)
    return {"y": y.astype(np.float32)}
