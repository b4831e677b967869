"""Elementwise sub, sign and sin of fp32 vectors, one host entry launching three kernels: d = a - b (float4 grid-stride loop, capped grid, scalar tail), s = sign(a) (copysignf for non-zero, 0 for +-0; grid-stride), t = sinf(a) (one thread per element).
Traced: n=10007: sub_f4 with 10 blocks: gid=2000 handles float4 groups 2000 (d[8000..8003]) only (stride 2560 > 2501 groups); tail d[10004..10006] by gid 0..2; sign_f32 16 blocks x 256: gid 5 covers a[5], a[4101], a[8197]; sin_f32 40 blocks, block 39 threads >= 23 idle."""
import numpy as np

ENTRY = "sub_sign_sin_kernel"
PARAMS = ["a", "b", "d", "s", "t", "n"]
OUTPUTS = ["d", "s", "t"]
FAMILY = "elementwise"
CASES = [dict(n=10007), dict(n=4096), dict(n=3)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-6}


def make_inputs(rng: np.random.Generator, n=10007) -> dict:
    a = (rng.standard_normal(n) * 3.0).astype(np.float32)
    a[rng.integers(0, n, max(1, n // 50))] = 0.0          # zeros: sign 0
    if n > 2:
        a[1] = -0.0
        a[2] = np.float32(1e-30)                           # tiny but non-zero: sign 1
    return {
        "a": a,
        "b": (rng.standard_normal(n) * 3.0).astype(np.float32),
        "d": rng.standard_normal(n).astype(np.float32),   # garbage, fully overwritten
        "s": rng.standard_normal(n).astype(np.float32),
        "t": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    a = inputs["a"].astype(np.float64)
    b = inputs["b"].astype(np.float64)
    return {"d": (a - b).astype(np.float32),
            "s": np.sign(a).astype(np.float32),
            "t": np.sin(a).astype(np.float32)}
