"""Grouped-query causal attention, 8 query heads sharing 2 KV heads, seq 33, head_dim 32 (#define, no
size parameters), token-major [seq][heads][head_dim]; OpenMP parallel for collapse(2) over (head, query),
stack score row, fmaxf/expf, a variable named dim3."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2), #define shapes as array size, fmaxf, expf, -INFINITY, variable named dim3"
ENTRY = "gqa_causal"
PARAMS = ["out", "q", "k", "v"]
OUTPUTS = ["out"]
FAMILY = "attention"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

S, HQ, HKV, D = 33, 8, 2, 32


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "out": np.zeros((S, HQ, D), np.float32),
        "q": rng.standard_normal((S, HQ, D)).astype(np.float32),
        "k": rng.standard_normal((S, HKV, D)).astype(np.float32),
        "v": rng.uniform(-2.0, 2.0, (S, HKV, D)).astype(np.float32),
    }


def reference(inputs: dict) -> dict:
    q = inputs["q"].astype(np.float64).transpose(1, 0, 2)            # [HQ, S, D]
    k = np.repeat(inputs["k"].astype(np.float64).transpose(1, 0, 2), HQ // HKV, axis=0)
    v = np.repeat(inputs["v"].astype(np.float64).transpose(1, 0, 2), HQ // HKV, axis=0)
    s = q @ k.transpose(0, 2, 1) / np.sqrt(D)
    s = np.where(np.tril(np.ones((S, S), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"out": (p @ v).transpose(1, 0, 2).astype(np.float32)}
