"""Row softmax over a fixed 6x96 matrix, one thread per row, literals baked into the kernel; rows/cols only size the copies."""
import numpy as np

ORIGIN = "hand-written: shapes baked into the kernel body (threadIdx.x * 96, if (threadIdx.x < 6), loops to 96), __launch_bounds__(64) matching the literal block, size parameters used only for copies, __expf, fmaxf"
ENTRY = "softmax_kernel"
PARAMS = ["X", "Y", "rows", "cols"]
OUTPUTS = ["Y"]
FAMILY = "softmax"
CASES = [dict(rows=6, cols=96)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-7}


def make_inputs(rng: np.random.Generator, rows=6, cols=96) -> dict:
    return {
        "X": (rng.standard_normal((rows, cols)) * 3.0).astype(np.float32),
        "Y": np.zeros((rows, cols), np.float32),
        "rows": np.int32(rows), "cols": np.int32(cols),
    }


def reference(inputs: dict) -> dict:
    x = inputs["X"].astype(np.float64)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return {"Y": (e / e.sum(axis=1, keepdims=True)).astype(np.float32)}
