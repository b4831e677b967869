"""Concat along the last axis [rows][ca] ++ [rows][cb] -> [rows][ca+cb] float32; 16-wide copies with masked tails (_mm512_maskz_loadu_ps/_mm512_mask_storeu_ps), unaligned second segment."""
import numpy as np

ENTRY = "concat_lastdim_f32"
PARAMS = ["a", "b", "out", "rows", "ca", "cb"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(rows=19, ca=37, cb=21), dict(rows=4, ca=64, cb=5), dict(rows=6, ca=3, cb=48)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, rows=19, ca=37, cb=21) -> dict:
    return dict(a=rng.standard_normal((rows, ca)).astype(np.float32),
                b=rng.standard_normal((rows, cb)).astype(np.float32),
                out=rng.standard_normal((rows, ca + cb)).astype(np.float32),
                rows=np.int32(rows), ca=np.int32(ca), cb=np.int32(cb))


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"]], axis=1)}
