"""Row sums of a fixed 37x1000 matrix; each row zero-padded to 1024, __bang_sumpool to 32 partials then __bang_reduce_sum."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim round-robin rows, __bang_sumpool + __bang_reduce_sum idiom"
ENTRY = "rowsum_pool"
PARAMS = ["mat", "sums"]
OUTPUTS = ["sums"]
FAMILY = "reduction"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

M, K = 37, 1000


def make_inputs(rng: np.random.Generator) -> dict:
    return {"mat": rng.standard_normal((M, K)).astype(np.float32),
            "sums": np.zeros(M, np.float32)}


def reference(inputs: dict) -> dict:
    return {"sums": inputs["mat"].astype(np.float64).sum(axis=1).astype(np.float32)}
