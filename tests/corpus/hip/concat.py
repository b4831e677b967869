"""Concat along axis 1: [B,C1,S] ++ [B,C2,S] -> [B,C1+C2,S], thread per output element with flat-index decomposition and a select between the two sources, <<<>>> launch.
Traced: batch=3, c1=5, c2=7, S=19, out[2, 11, 18]: idx = (2*12+11)*19+18 = 683, block 2 thread 171; c=11 >= c1 -> b[2, 6, 18]."""
import numpy as np

ENTRY = "concat_channels_kernel"
PARAMS = ["a", "b", "out", "batch", "c1", "c2", "S"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(batch=3, c1=5, c2=7, S=19), dict(batch=2, c1=16, c2=1, S=64)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, batch=3, c1=5, c2=7, S=19) -> dict:
    return {
        "a": rng.standard_normal((batch, c1, S)).astype(np.float32),
        "b": rng.standard_normal((batch, c2, S)).astype(np.float32),
        "out": rng.standard_normal((batch, c1 + c2, S)).astype(np.float32),
        "batch": np.int32(batch), "c1": np.int32(c1), "c2": np.int32(c2), "S": np.int32(S),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"]], axis=1)}
