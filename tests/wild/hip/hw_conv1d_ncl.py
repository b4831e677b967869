"""Conv1d NCL with bias for a fixed 2x16x200 -> 2x24x200 layer (kernel 5, pad 2), output channel on grid.y, filter staged in LDS."""
import numpy as np

ORIGIN = "hand-written: static const int layer shape used in kernel and launcher, no size parameters, grid.y over output channels, LDS filter staging, #pragma unroll, early return after the barrier"
ENTRY = "conv1d"
PARAMS = ["x", "w", "b", "y"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

N, CI, L, CO, KW, P = 2, 16, 200, 24, 5, 2


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "x": rng.standard_normal((N, CI, L)).astype(np.float32),
        "w": (rng.standard_normal((CO, CI, KW)) * 0.25).astype(np.float32),
        "b": rng.uniform(-0.5, 0.5, CO).astype(np.float32),
        "y": np.zeros((N, CO, L), np.float32),
    }


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["x"].astype(np.float64), ((0, 0), (0, 0), (P, P)))
    w = inputs["w"].astype(np.float64)
    y = np.zeros((N, CO, L))
    for k in range(KW):
        y += np.einsum("ncl,oc->nol", x[:, :, k:k + L], w[:, :, k])
    return {"y": (y + inputs["b"][None, :, None]).astype(np.float32)}
