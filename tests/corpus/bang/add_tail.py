"""c = a + b over float32 of runtime length n; Union1 (4 or 8 tasks), n split over taskDim with remainder tasks, 1024-float NRAM chunks and a tail chunk padded to 128 B for __bang_add."""
import numpy as np

ENTRY = "add_tail_kernel"
PARAMS = ["a", "b", "c", "n"]
OUTPUTS = ["c"]
FAMILY = "elementwise"
CASES = [dict(n=20011), dict(n=3), dict(n=8192)]
TOLERANCE = {"rtol": 1e-6, "atol": 1e-7}


def make_inputs(rng: np.random.Generator, n=20011) -> dict:
    return {
        "a": rng.standard_normal(n).astype(np.float32),
        "b": (rng.standard_normal(n) * 4).astype(np.float32),
        "c": rng.standard_normal(n).astype(np.float32),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    return {"c": (inputs["a"].astype(np.float64) + inputs["b"]).astype(np.float32)}
