"""Batched matmul 8 x ([33x64] @ [64x48]) through __bang_conv as a 1x1 convolution (A as HWC image, B^T as filters in WRAM); Union1 x4, batches strided by taskDim."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId stride over batches, __bang_transpose + __bang_reshape_filter + __wram__ + __bang_conv as GEMM"
ENTRY = "bmm_conv"
PARAMS = ["A", "B", "C"]
OUTPUTS = ["C"]
FAMILY = "bmm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 1, "tasks": 4}

BATCH, M, K, N = 8, 33, 64, 48


def make_inputs(rng: np.random.Generator) -> dict:
    return {"A": rng.standard_normal((BATCH, M, K)).astype(np.float32),
            "B": rng.standard_normal((BATCH, K, N)).astype(np.float32),
            "C": np.zeros((BATCH, M, N), np.float32)}


def reference(inputs: dict) -> dict:
    return {"C": np.matmul(inputs["A"].astype(np.float64), inputs["B"].astype(np.float64)).astype(np.float32)}
