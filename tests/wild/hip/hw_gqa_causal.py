"""Grouped-query causal attention (head_dim 64), one block per (query, kv head, batch), one wavefront per query head of the group, K/V rows shared in LDS."""
import numpy as np

ORIGIN = "hand-written: constexpr head_dim and LDS capacity, blockDim (64, group) with the group size computed by the launcher, wavefront-64 __shfl_xor max/sum from offset 32, literal 0.125f scale, causal key count, hipLaunchKernelGGL with a 3-D grid, HIP_CHECK macro"
ENTRY = "gqa_attention"
PARAMS = ["q", "k", "v", "o", "batch", "q_heads", "kv_heads", "seq"]
OUTPUTS = ["o"]
FAMILY = "attention"
CASES = [dict(batch=1, q_heads=8, kv_heads=2, seq=48), dict(batch=2, q_heads=6, kv_heads=3, seq=33)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
EXTENTS = {"q": "batch * q_heads * seq * 64", "o": "batch * q_heads * seq * 64",
           "k": "batch * kv_heads * seq * 64", "v": "batch * kv_heads * seq * 64"}

D = 64


def make_inputs(rng: np.random.Generator, batch=1, q_heads=8, kv_heads=2, seq=48) -> dict:
    return {
        "q": rng.standard_normal((batch, q_heads, seq, D)).astype(np.float32),
        "k": rng.standard_normal((batch, kv_heads, seq, D)).astype(np.float32),
        "v": rng.standard_normal((batch, kv_heads, seq, D)).astype(np.float32),
        "o": np.zeros((batch, q_heads, seq, D), np.float32),
        "batch": np.int32(batch), "q_heads": np.int32(q_heads),
        "kv_heads": np.int32(kv_heads), "seq": np.int32(seq),
    }


def reference(inputs: dict) -> dict:
    q = inputs["q"].astype(np.float64)
    group = q.shape[1] // inputs["k"].shape[1]
    k = np.repeat(inputs["k"].astype(np.float64), group, axis=1)
    v = np.repeat(inputs["v"].astype(np.float64), group, axis=1)
    S = q.shape[2]
    s = np.einsum("bhqd,bhkd->bhqk", q, k) / np.sqrt(D)
    s = np.where(np.tril(np.ones((S, S), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"o": np.einsum("bhqk,bhkd->bhqd", p, v).astype(np.float32)}
