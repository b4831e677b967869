"""GEMV y = W x + b with W 1000x256: one 64-row block per core (Union4, last block 40 rows zero-padded in NRAM), weights in WRAM, float __bang_mlp."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, clusterId*coreDim+coreId block per core, __wram__ filter, __bang_mlp (float form), __bang_add bias"
ENTRY = "gemv_mlp"
PARAMS = ["W", "x", "bias", "y"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

OUT, IN = 1000, 256


def make_inputs(rng: np.random.Generator) -> dict:
    return {"W": rng.standard_normal((OUT, IN)).astype(np.float32) * np.float32(0.1),
            "x": rng.standard_normal(IN).astype(np.float32),
            "bias": rng.uniform(-1.0, 1.0, OUT).astype(np.float32),
            "y": np.zeros(OUT, np.float32)}


def reference(inputs: dict) -> dict:
    y = inputs["W"].astype(np.float64) @ inputs["x"].astype(np.float64) + inputs["bias"]
    return {"y": y.astype(np.float32)}
