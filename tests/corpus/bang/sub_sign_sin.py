"""Element-wise float32 diff = a - b, sgn = torch.sign(a) (0 at 0: __bang_active_sign times the __bang_ne_scalar mask), sn = sin(a) (__bang_active_sin); Union1 {4,1,1}, n cut into 128-byte-aligned blocks of ceil(n/taskDim) with a short last task, 512-float NRAM chunks, tail chunk padded to 128 B, valid part stored."""
import numpy as np

ENTRY = "sub_sign_sin_kernel"
PARAMS = ["a", "b", "diff", "sgn", "sn", "n"]
OUTPUTS = ["diff", "sgn", "sn"]
FAMILY = "elementwise"
CASES = [dict(n=4099), dict(n=77)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-4}   # __bang_active_sin is an approximation (bang.md 6.4)


def make_inputs(rng: np.random.Generator, n=4099) -> dict:
    a = (rng.standard_normal(n) * 3).astype(np.float32)
    a[rng.random(n) < 0.05] = 0.0                         # exact zeros exercise sign(0) = 0
    return {
        "a": a,
        "b": rng.standard_normal(n).astype(np.float32),
        "diff": rng.standard_normal(n).astype(np.float32),
        "sgn": rng.standard_normal(n).astype(np.float32),
        "sn": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    a = inputs["a"].astype(np.float64)
    return {
        "diff": (a - inputs["b"].astype(np.float64)).astype(np.float32),
        "sgn": np.sign(a).astype(np.float32),
        "sn": np.sin(a).astype(np.float32),
    }
