"""Elementwise float32 diff = a - b, sgn = sign(a) (via _mm512_cmplt_ps_mask + _mm512_mask_blend_ps, sign(+-0) = 0), sn = sinf(a) scalar; masked tails, OpenMP over 256-element chunks."""
import numpy as np

ENTRY = "sub_sign_sin_f32"
PARAMS = ["a", "b", "diff", "sgn", "sn", "n"]
OUTPUTS = ["diff", "sgn", "sn"]
FAMILY = "elementwise"
CASES = [dict(n=1024), dict(n=1000), dict(n=37)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-6}   # sub and sign exact; sinf within 1-2 ulp


def make_inputs(rng: np.random.Generator, n=1024) -> dict:
    a = (rng.standard_normal(n) * 4.0).astype(np.float32)
    a[rng.integers(0, n, size=max(2, n // 50))] = 0.0
    a[rng.integers(0, n)] = -0.0
    return dict(a=a, b=(rng.standard_normal(n) * 2.0).astype(np.float32),
                diff=rng.standard_normal(n).astype(np.float32),
                sgn=rng.standard_normal(n).astype(np.float32),
                sn=rng.standard_normal(n).astype(np.float32), n=np.int32(n))


def reference(inputs: dict) -> dict:
    a = inputs["a"].astype(np.float64)
    return {"diff": (a - inputs["b"].astype(np.float64)).astype(np.float32),
            "sgn": np.sign(a).astype(np.float32),
            "sn": np.sin(a).astype(np.float32)}
