"""Batched GEMM 6 x ([96x64] @ [64x80]) with half inputs and float outputs: B^T per batch into WRAM (cached across items), __bang_matmul half x half -> float on 24-row blocks; Union4 round-robin."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim round-robin over (batch, row block), half operands with float accumulation, weight caching across loop iterations, __bang_transpose/__bang_reshape_filter/__bang_matmul"
ENTRY = "bmm_half"
PARAMS = ["A", "B", "C"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}
LAUNCH = {"union": 4, "tasks": 16}

NB, M, K, N = 6, 96, 64, 80


def make_inputs(rng: np.random.Generator) -> dict:
    return {"A": rng.standard_normal((NB, M, K)).astype(np.float16),
            "B": rng.uniform(-1.0, 1.0, (NB, K, N)).astype(np.float16),
            "C": np.zeros((NB, M, N), np.float32)}


def reference(inputs: dict) -> dict:
    return {"C": np.matmul(inputs["A"].astype(np.float64), inputs["B"].astype(np.float64)).astype(np.float32)}
