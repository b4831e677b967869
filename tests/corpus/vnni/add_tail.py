"""Elementwise float32 add c = a + b; AVX-512 2x-unrolled loop, masked tail (_mm512_maskz_loadu_ps / _mm512_mask_storeu_ps), OpenMP chunks."""
import numpy as np

ENTRY = "add_tail_f32"
PARAMS = ["a", "b", "c", "n"]
OUTPUTS = ["c"]
FAMILY = "elementwise"
CASES = [dict(n=1000), dict(n=4099), dict(n=13)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}   # one float32 add per element: bit-exact

PAD = 7   # c has PAD extra elements past n that the kernel must not touch


def make_inputs(rng: np.random.Generator, n=1000) -> dict:
    a = rng.standard_normal(n).astype(np.float32)
    b = (rng.standard_normal(n) * 3.0).astype(np.float32)
    c = rng.standard_normal(n + PAD).astype(np.float32) * 100.0
    return dict(a=a, b=b, c=c.astype(np.float32), n=np.int32(n))


def reference(inputs: dict) -> dict:
    n = int(inputs["n"])
    c = inputs["c"].copy()
    c[:n] = inputs["a"] + inputs["b"]      # float32 + float32 rounds like the kernel
    return {"c": c}
