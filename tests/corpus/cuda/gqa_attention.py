"""Grouped-query attention (non-causal) fp32, HEAD_DIM=64, NKV < NH key/value heads shared by groups of NH/NKV query heads; one 128-thread block per (query row, head, batch): shared query row and score row (Skv <= 256), block max / sum reductions (__shfl_xor_sync + per-warp partials), softmax with max subtraction and expf, P@V with 64 columns x 2 key halves combined in shared memory.
Traced: B=2, NH=8, NKV=2, Sq=5, Skv=150: O[1,6,3,:] -> block (x=3, y=6, z=1), kv head 6 / 4 = 1; thread 21 scores keys 21 and 149; thread 100 owns column 36, odd keys 1, 3, ..., 149."""
import numpy as np

ENTRY = "gqa_attention_kernel"
PARAMS = ["Q", "K", "V", "O", "B", "NH", "NKV", "Sq", "Skv"]
OUTPUTS = ["O"]
FAMILY = "attention"
D = 64
CASES = [dict(B=2, NH=8, NKV=2, Sq=5, Skv=150), dict(B=1, NH=4, NKV=1, Sq=3, Skv=256),
         dict(B=1, NH=6, NKV=3, Sq=2, Skv=7)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, B=2, NH=8, NKV=2, Sq=5, Skv=150) -> dict:
    return {
        "Q": (rng.standard_normal((B, NH, Sq, D)) * 1.5).astype(np.float32),
        "K": (rng.standard_normal((B, NKV, Skv, D)) * 1.5).astype(np.float32),  # peaked softmax rows
        "V": rng.standard_normal((B, NKV, Skv, D)).astype(np.float32),
        "O": rng.standard_normal((B, NH, Sq, D)).astype(np.float32),  # garbage, fully overwritten
        "B": np.int32(B), "NH": np.int32(NH), "NKV": np.int32(NKV), "Sq": np.int32(Sq), "Skv": np.int32(Skv),
    }


def reference(inputs: dict) -> dict:
    NH, NKV = int(inputs["NH"]), int(inputs["NKV"])
    q = inputs["Q"].astype(np.float64)
    k = np.repeat(inputs["K"].astype(np.float64), NH // NKV, axis=1)   # head h -> kv head h // group
    v = np.repeat(inputs["V"].astype(np.float64), NH // NKV, axis=1)
    s = q @ k.transpose(0, 1, 3, 2) / np.sqrt(D)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"O": (p @ v).astype(np.float32)}
