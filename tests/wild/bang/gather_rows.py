"""Embedding gather: 300 random int32 ids into a fixed 5000x96 float table; per-id GDRAM2NRAM row copies into a 16-row tile, one store per tile; Union4 contiguous id slices."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/taskDim with remainder, data-dependent __memcpy source, tile loop with tail"
ENTRY = "gather_rows"
PARAMS = ["table", "ids", "out"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}
EXTENTS = {"table": "5000 * 96"}

VOCAB, DIM, NUM = 5000, 96, 300


def make_inputs(rng: np.random.Generator) -> dict:
    return {"table": rng.standard_normal((VOCAB, DIM)).astype(np.float32),
            "ids": rng.integers(0, VOCAB, NUM).astype(np.int32),
            "out": np.zeros((NUM, DIM), np.float32)}


def reference(inputs: dict) -> dict:
    return {"out": inputs["table"][inputs["ids"]].astype(np.float32)}
