"""int8 GEMV 512x384 with float per-tensor scales: __bang_mlp(float dst, int8 src, int8 WRAM filter, fix_position 0), then scale; Union1, 128 rows per coreId."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, coreId-only split (Union1), int8 inputs with exact integer accumulation, __bang_reshape_filter + NRAM2WRAM, __bang_mlp fixed-point form"
ENTRY = "gemv_int8"
PARAMS = ["wq", "xq", "scales", "y"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"union": 1, "tasks": 4}

OUT, IN = 512, 384


def make_inputs(rng: np.random.Generator) -> dict:
    return {"wq": rng.integers(-128, 128, (OUT, IN)).astype(np.int8),
            "xq": rng.integers(-128, 128, IN).astype(np.int8),
            "scales": np.array([0.0123, 0.0371], np.float32),
            "y": np.zeros(OUT, np.float32)}


def reference(inputs: dict) -> dict:
    acc = inputs["wq"].astype(np.int64) @ inputs["xq"].astype(np.int64)
    s = np.float32(inputs["scales"][0]) * np.float32(inputs["scales"][1])
    return {"y": (acc.astype(np.float32) * s).astype(np.float32)}
