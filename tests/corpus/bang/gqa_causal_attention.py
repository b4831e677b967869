"""Grouped-query causal attention softmax(mask(Q K^T / sqrt(32))) V, float32 q/o [HQ][S][32], k/v [HKV][S][32], HQ/HKV query heads per KV head, runtime S <= 64; Block tasks over KV heads, K and V^T (__bang_transpose) staged in WRAM once per group via __bang_reshape_filter, __bang_matmul scores, causal per-row softmax (__bang_argmax, __bang_active_exphp, masked tail zeroed), __bang_sumpool + __bang_reduce_sum row sums, second __bang_matmul, 2-D store."""
import numpy as np

ENTRY = "gqa_causal_attention_kernel"
PARAMS = ["q", "k", "v", "o", "HQ", "HKV", "S"]
OUTPUTS = ["o"]
FAMILY = "attention"
CASES = [dict(HQ=8, HKV=2, S=48), dict(HQ=6, HKV=3, S=37)]
TOLERANCE = {"rtol": 5e-3, "atol": 5e-3}

D = 32


def make_inputs(rng: np.random.Generator, HQ=8, HKV=2, S=48) -> dict:
    return {
        "q": rng.standard_normal((HQ, S, D)).astype(np.float32),
        "k": rng.standard_normal((HKV, S, D)).astype(np.float32),
        "v": rng.standard_normal((HKV, S, D)).astype(np.float32),
        "o": rng.standard_normal((HQ, S, D)).astype(np.float32),
        "HQ": np.int32(HQ),
        "HKV": np.int32(HKV),
        "S": np.int32(S),
    }


def reference(inputs: dict) -> dict:
    q = inputs["q"].astype(np.float64)
    group = q.shape[0] // inputs["k"].shape[0]
    k = np.repeat(inputs["k"].astype(np.float64), group, axis=0)
    v = np.repeat(inputs["v"].astype(np.float64), group, axis=0)
    S = q.shape[1]
    s = q @ k.transpose(0, 2, 1) / np.sqrt(D)
    s = np.where(np.tril(np.ones((S, S), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"o": (p @ v).astype(np.float32)}
