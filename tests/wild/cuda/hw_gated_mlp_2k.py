"""SwiGLU gated MLP in two launches: gate/up projections with SiLU into a scratch buffer, then a warp-per-output down projection."""
import numpy as np

ORIGIN = "hand-written: two kernels in sequence with a device scratch buffer, extern __shared__ dynamic shared memory sized at launch, __device__ silu helper with __expf, warp per output with __shfl_down_sync, CUDA_CHECK macro, PyTorch Linear weight layout"
ENTRY = "gated_mlp"
PARAMS = ["x", "w_gate", "w_up", "w_down", "out", "tokens", "hidden", "inter"]
OUTPUTS = ["out"]
FAMILY = "gated_mlp"
CASES = [dict(tokens=16, hidden=64, inter=176), dict(tokens=5, hidden=96, inter=100)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, tokens=16, hidden=64, inter=176) -> dict:
    return {
        "x": rng.standard_normal((tokens, hidden)).astype(np.float32),
        "w_gate": (rng.standard_normal((inter, hidden)) / np.sqrt(hidden)).astype(np.float32),
        "w_up": (rng.standard_normal((inter, hidden)) / np.sqrt(hidden)).astype(np.float32),
        "w_down": (rng.standard_normal((hidden, inter)) / np.sqrt(inter)).astype(np.float32),
        "out": np.zeros((tokens, hidden), np.float32),
        "tokens": np.int32(tokens), "hidden": np.int32(hidden), "inter": np.int32(inter),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["w_gate"].astype(np.float64).T
    u = x @ inputs["w_up"].astype(np.float64).T
    a = g / (1.0 + np.exp(-g)) * u
    return {"out": (a @ inputs["w_down"].astype(np.float64).T).astype(np.float32)}
