"""GEMM 257x64 @ 64x96 (float, row-major); B transposed in NRAM to [N][K], __bang_reshape_filter, NRAM2WRAM, __bang_matmul per 17-row slice of A (Union4)."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim ceil split, __bang_transpose + __bang_reshape_filter + __wram__ weights + __bang_matmul"
ENTRY = "gemm_wram"
PARAMS = ["A", "B", "C"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

M, K, N = 257, 64, 96


def make_inputs(rng: np.random.Generator) -> dict:
    return {"A": rng.standard_normal((M, K)).astype(np.float32),
            "B": rng.standard_normal((K, N)).astype(np.float32),
            "C": np.zeros((M, N), np.float32)}


def reference(inputs: dict) -> dict:
    return {"C": (inputs["A"].astype(np.float64) @ inputs["B"].astype(np.float64)).astype(np.float32)}
