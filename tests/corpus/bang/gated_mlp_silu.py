"""Gated MLP h = silu(x Wg^T) * (x Wu^T), float32 x[M][72], Wg/Wu[80][72] (nn.Linear layout = logical [N][K] WRAM operand); weights padded (K to 64 B, N to 64) by 2-D __memcpy, __bang_reshape_filter + NRAM2WRAM, 16-row tiles of x strided over Union1 tasks, two __bang_matmul, __bang_active_sigmoid + __bang_mul gating, 2-D store; runtime M."""
import numpy as np

ENTRY = "gated_mlp_silu_kernel"
PARAMS = ["x", "wg", "wu", "h", "M"]
OUTPUTS = ["h"]
FAMILY = "gated_mlp"
CASES = [dict(M=40), dict(M=7)]
TOLERANCE = {"rtol": 2e-3, "atol": 2e-3}

IN, HID = 72, 80


def make_inputs(rng: np.random.Generator, M=40) -> dict:
    return {
        "x": rng.standard_normal((M, IN)).astype(np.float32),
        "wg": (rng.standard_normal((HID, IN)) / np.sqrt(IN)).astype(np.float32),
        "wu": (rng.standard_normal((HID, IN)) / np.sqrt(IN)).astype(np.float32),
        "h": rng.standard_normal((M, HID)).astype(np.float32),
        "M": np.int32(M),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["wg"].astype(np.float64).T
    u = x @ inputs["wu"].astype(np.float64).T
    return {"h": (g / (1.0 + np.exp(-g)) * u).astype(np.float32)}
