"""Concatenate three NCHW tensors along channels (torch.cat dim=1) with a branch per source, grid-stride loop."""
import numpy as np

ORIGIN = "hand-written: three-way branch on the output channel, grid-stride loop with a capped grid, HIP_CHECK macro that returns, hipLaunchKernelGGL, shapes as parameters"
ENTRY = "concat_channels"
PARAMS = ["a", "b", "c", "out", "N", "Ca", "Cb", "Cc", "H", "W"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(N=2, Ca=3, Cb=5, Cc=1, H=17, W=19), dict(N=1, Ca=16, Cb=8, Cc=7, H=30, W=30)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, N=2, Ca=3, Cb=5, Cc=1, H=17, W=19) -> dict:
    return {
        "a": rng.standard_normal((N, Ca, H, W)).astype(np.float32),
        "b": rng.standard_normal((N, Cb, H, W)).astype(np.float32) + np.float32(10.0),
        "c": rng.standard_normal((N, Cc, H, W)).astype(np.float32) - np.float32(10.0),
        "out": np.zeros((N, Ca + Cb + Cc, H, W), np.float32),
        "N": np.int32(N), "Ca": np.int32(Ca), "Cb": np.int32(Cb), "Cc": np.int32(Cc),
        "H": np.int32(H), "W": np.int32(W),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"], inputs["c"]], axis=1)}
