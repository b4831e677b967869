"""Row gather (embedding lookup) out[i,:] = table[idx[i],:], int32 indices in [-1, V) with -1 = padding -> zero row; fp32, 32 x 4 threads per block (y = row, x strides D), __ldg loads.
Traced: num=50, D=70: out[45,66] -> block 11, thread (x=2, y=1), third trip d = 2+64; src = idx[45]."""
import numpy as np

ENTRY = "gather_rows_kernel"
PARAMS = ["table", "idx", "out", "V", "num", "D"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(V=100, num=50, D=70), dict(V=5, num=7, D=3), dict(V=1000, num=130, D=32)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}  # pure data movement: bit-exact


def make_inputs(rng: np.random.Generator, V=100, num=50, D=70) -> dict:
    idx = rng.integers(-1, V, num).astype(np.int32)
    idx[0] = V - 1
    if num > 2:
        idx[2] = -1
    return {
        "table": rng.standard_normal((V, D)).astype(np.float32),
        "idx": idx,
        "out": rng.standard_normal((num, D)).astype(np.float32),
        "V": np.int32(V), "num": np.int32(num), "D": np.int32(D),
    }


def reference(inputs: dict) -> dict:
    idx = inputs["idx"]
    out = inputs["table"][np.maximum(idx, 0)].copy()
    out[idx < 0] = 0.0
    return {"out": out.astype(np.float32)}
