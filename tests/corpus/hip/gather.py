"""Embedding gather out[t] = table[ids[t]] (id -1 = padding -> zero row), #define EMBED_DIM=96 moved as HIP float4 structs, wavefront per token (lanes 24..63 idle), hipLaunchKernelGGL.
Traced: num_tokens=37, out[36, 95]: block 9, wave 0 (t=36), float4 v=23 (lane 23) element .w = table[ids[36], 4*23+3=95]."""
import numpy as np

ENTRY = "embedding_gather_kernel"
PARAMS = ["ids", "table", "out", "num_tokens", "vocab"]
OUTPUTS = ["out"]
FAMILY = "gather"
EMBED_DIM = 96
CASES = [dict(num_tokens=37, vocab=50), dict(num_tokens=128, vocab=1000)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, num_tokens=37, vocab=50) -> dict:
    ids = rng.integers(-1, vocab, num_tokens).astype(np.int32)
    ids[0] = -1
    ids[-1] = vocab - 1
    return {
        "ids": ids,
        "table": rng.standard_normal((vocab, EMBED_DIM)).astype(np.float32),
        "out": rng.standard_normal((num_tokens, EMBED_DIM)).astype(np.float32),
        "num_tokens": np.int32(num_tokens), "vocab": np.int32(vocab),
    }


def reference(inputs: dict) -> dict:
    ids = inputs["ids"]
    out = inputs["table"][np.maximum(ids, 0)].copy()
    out[ids == -1] = 0.0
    return {"out": out.astype(np.float32)}
