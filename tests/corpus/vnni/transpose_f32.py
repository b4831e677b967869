"""Batched transpose [B][R][C] -> [B][C][R] float32 via 16x16 alignas(64) stack tiles (masked _mm512_maskz_loadu_ps rows, scalar column write-out), ragged edges in both dims."""
import numpy as np

ENTRY = "transpose_f32"
PARAMS = ["src", "dst", "B", "R", "C"]
OUTPUTS = ["dst"]
FAMILY = "transpose"
CASES = [dict(B=2, R=50, C=37), dict(B=1, R=64, C=64), dict(B=3, R=5, C=17)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, B=2, R=50, C=37) -> dict:
    return dict(src=rng.standard_normal((B, R, C)).astype(np.float32),
                dst=rng.standard_normal((B, C, R)).astype(np.float32),
                B=np.int32(B), R=np.int32(R), C=np.int32(C))


def reference(inputs: dict) -> dict:
    return {"dst": np.ascontiguousarray(inputs["src"].transpose(0, 2, 1))}
