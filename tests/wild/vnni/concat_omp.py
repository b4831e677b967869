"""Concatenate three NCHW tensors along channels (torch.cat dim=1); OpenMP parallel for over the batch,
memcpy for two inputs and an element loop for the third, H*W passed flattened."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for, memcpy blocks mixed with an element loop, flattened HW parameter"
ENTRY = "concat3_channels"
PARAMS = ["out", "a", "b", "c", "N", "Ca", "Cb", "Cc", "HW"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(N=4, Ca=3, Cb=5, Cc=7, HW=37 * 53), dict(N=2, Ca=16, Cb=16, Cc=1, HW=196)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, N=4, Ca=3, Cb=5, Cc=7, HW=37 * 53) -> dict:
    return {
        "out": np.zeros((N, Ca + Cb + Cc, HW), np.float32),
        "a": rng.standard_normal((N, Ca, HW)).astype(np.float32),
        "b": rng.uniform(-2.0, 2.0, (N, Cb, HW)).astype(np.float32),
        "c": (rng.standard_normal((N, Cc, HW)) + 5.0).astype(np.float32),
        "N": np.int32(N), "Ca": np.int32(Ca), "Cb": np.int32(Cb), "Cc": np.int32(Cc), "HW": np.int32(HW),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"], inputs["c"]], axis=1)}
