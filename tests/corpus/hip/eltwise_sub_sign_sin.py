"""Elementwise d = a - b, s = sign(a), t = sin(a): three kernels launched by one host entry (hipLaunchKernelGGL, <<<>>>, hipLaunchKernelGGL), float4 quads via make_float4 / member stores, grid-stride over n/4 (grid capped at 40), n%4 tail by the first threads.
Traced: n=50003, d[50002]: nvec=12500, grid 40 -> quads by grid-stride; tail t = 50000 + gid for gid 0..2, so thread 2 of block 0 writes d[50002] = a - b; same for s (sign(0) = 0) and t (sinf)."""
import numpy as np

ENTRY = "eltwise_sub_sign_sin_kernel"
PARAMS = ["a", "b", "d", "s", "t", "n"]
OUTPUTS = ["d", "s", "t"]
FAMILY = "elementwise"
CASES = [dict(n=50003), dict(n=1024), dict(n=7)]
TOLERANCE = {"rtol": 1e-5, "atol": 2e-6}


def make_inputs(rng: np.random.Generator, n=50003) -> dict:
    a = (rng.standard_normal(n) * 5).astype(np.float32)
    a[rng.integers(0, n, max(1, n // 10))] = 0.0   # sign(0) = 0 must be exercised
    a[-1] = 0.0
    return {
        "a": a,
        "b": rng.standard_normal(n).astype(np.float32),
        "d": rng.standard_normal(n).astype(np.float32),
        "s": rng.standard_normal(n).astype(np.float32),
        "t": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    a = inputs["a"].astype(np.float64)
    return {"d": (a - inputs["b"].astype(np.float64)).astype(np.float32),
            "s": np.sign(a).astype(np.float32),
            "t": np.sin(a).astype(np.float32)}
