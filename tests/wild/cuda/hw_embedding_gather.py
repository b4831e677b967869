"""Embedding-row gather (width 64 baked in), float4 copies with a 16x8 block, ids bounds-checked against vocab; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, #define row width baked into kernel, dim3 block(16, 8), float4 loads/stores via reinterpret_cast, make_float4, bounds-checked indices"
ENTRY = "embedding_fwd"
PARAMS = ["table", "ids", "out", "num_ids", "vocab"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(num_ids=50, vocab=1000)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
EXTENTS = {"table": "vocab * 64"}
LAUNCH = {"grid": [7, 1, 1], "block": [16, 8, 1], "shared_bytes": 0}

DIM = 64


def make_inputs(rng: np.random.Generator, num_ids=50, vocab=1000) -> dict:
    return {
        "table": rng.standard_normal((vocab, DIM)).astype(np.float32),
        "ids": rng.integers(0, vocab, num_ids).astype(np.int32),
        "out": np.zeros((num_ids, DIM), np.float32),
        "num_ids": np.int32(num_ids),
        "vocab": np.int32(vocab),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["table"][inputs["ids"]]}
