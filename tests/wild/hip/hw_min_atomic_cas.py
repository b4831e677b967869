"""Global min: an init kernel, then per-block LDS tree reductions combined with a float atomicMin built from atomicCAS."""
import numpy as np

ORIGIN = "hand-written: two kernels in sequence (init then reduce), atomicCAS loop on __float_as_int bits, fminf, FLT_MAX, grid-stride loop with fixed 40x256 launch, HIP_CHECK macro"
ENTRY = "global_min"
PARAMS = ["data", "result", "n"]
OUTPUTS = ["result"]
FAMILY = "reduction"
CASES = [dict(n=100000), dict(n=777)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, n=100000) -> dict:
    return {
        "data": (rng.standard_normal(n) * 10.0 + 3.0).astype(np.float32),
        "result": np.zeros(1, np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"result": np.array([inputs["data"].min()], np.float32)}
