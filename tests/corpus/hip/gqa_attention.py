"""Grouped-query attention, #define HQ=8, HKV=2, D=32, runtime batch / S<=64 / causal flag, 4 query rows per 256-thread block, K/V/Q in LDS, softmax by wavefront __shfl_down(32..1)+__shfl, P.V split over two lane halves joined by __shfl_down(., 32), hipLaunchKernelGGL.
Traced: batch=2, S=41, causal=0, out[1, 7, 40, 31]: block (10, 7, 1), wave 0 (qrow 40), kv head 7//4=1; lane j scores key j (j<41); lanes 31 and 63 sum P[40, j]*V[1,1,j,31] over even / odd j, lane 31 adds lane 63 and stores."""
import numpy as np

ENTRY = "gqa_attention_kernel"
PARAMS = ["q", "k", "v", "out", "batch", "S", "causal"]
OUTPUTS = ["out"]
FAMILY = "attention"
HQ, HKV, D = 8, 2, 32
CASES = [dict(batch=2, S=41, causal=0), dict(batch=1, S=64, causal=1), dict(batch=1, S=6, causal=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, batch=2, S=41, causal=0) -> dict:
    return {
        "q": (rng.standard_normal((batch, HQ, S, D)) * 1.5).astype(np.float32),
        "k": (rng.standard_normal((batch, HKV, S, D)) * 1.5).astype(np.float32),
        "v": rng.standard_normal((batch, HKV, S, D)).astype(np.float32),
        "out": rng.standard_normal((batch, HQ, S, D)).astype(np.float32),
        "batch": np.int32(batch), "S": np.int32(S), "causal": np.int32(causal),
    }


def reference(inputs: dict) -> dict:
    q = inputs["q"].astype(np.float64)
    k = np.repeat(inputs["k"].astype(np.float64), HQ // HKV, axis=1)
    v = np.repeat(inputs["v"].astype(np.float64), HQ // HKV, axis=1)
    S = q.shape[2]
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(D)
    if int(inputs["causal"]):
        s = np.where(np.tril(np.ones((S, S), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"out": (p @ v).astype(np.float32)}
