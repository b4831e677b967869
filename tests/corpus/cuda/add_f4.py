"""Elementwise add c = a + b (fp32); float4 loads/stores in a grid-stride loop (capped grid) plus a scalar tail for n % 4.
Traced: n=10007, gid=5 in block 0: float4 group i=5 -> c[20..23]; i=5+2048 -> c[8212..8215]; tail t=10004+gid for gid<3 -> c[10004..10006]."""
import numpy as np

ENTRY = "add_f4_kernel"
PARAMS = ["a", "b", "c", "n"]
OUTPUTS = ["c"]
FAMILY = "elementwise"
CASES = [dict(n=10007), dict(n=4098), dict(n=3)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=10007) -> dict:
    return {
        "a": rng.standard_normal(n).astype(np.float32),
        "b": rng.standard_normal(n).astype(np.float32),
        "c": rng.standard_normal(n).astype(np.float32),  # garbage, fully overwritten
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"c": (inputs["a"] + inputs["b"]).astype(np.float32)}
