"""Embedding gather out[t] = table[ids[t]] with int32 ids (all valid, repeats allowed), bounds-checked;
plain loop with memcpy/memset rows."""
import numpy as np

ORIGIN = "hand-written: plain serial loop, memcpy/memset rows, int32_t indices, bounds check"
ENTRY = "embedding_lookup"
PARAMS = ["out", "table", "ids", "n_tokens", "vocab", "dim"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(n_tokens=37, vocab=500, dim=96), dict(n_tokens=128, vocab=1000, dim=100)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
EXTENTS = {"table": "vocab * dim"}


def make_inputs(rng: np.random.Generator, n_tokens=37, vocab=500, dim=96) -> dict:
    return {
        "out": np.full((n_tokens, dim), -1.0, np.float32),
        "table": rng.standard_normal((vocab, dim)).astype(np.float32),
        "ids": rng.integers(0, vocab, n_tokens).astype(np.int32),
        "n_tokens": np.int32(n_tokens), "vocab": np.int32(vocab), "dim": np.int32(dim),
    }


def reference(inputs: dict) -> dict:
    return {"out": inputs["table"][inputs["ids"]].astype(np.float32)}
