"""Multi-head attention softmax(q k^T / sqrt(d)) v, layout [heads][seq][head_dim], no mask; AVX-512 dot
products (_mm512_fmadd_ps, _mm512_reduce_add_ps) and P*V with masked head_dim tails, scalar softmax on a
std::vector row."""
import numpy as np

ORIGIN = "hand-written: AVX-512 intrinsics (fmadd, reduce_add, maskz_loadu, mask_storeu), static inline helper, std::vector scratch, std::exp, numeric_limits"
ENTRY = "mha_forward"
PARAMS = ["out", "q", "k", "v", "heads", "seq", "head_dim"]
OUTPUTS = ["out"]
FAMILY = "attention"
CASES = [dict(heads=4, seq=50, head_dim=40), dict(heads=2, seq=37, head_dim=64)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, heads=4, seq=50, head_dim=40) -> dict:
    shp = (heads, seq, head_dim)
    return {
        "out": np.zeros(shp, np.float32),
        "q": rng.standard_normal(shp).astype(np.float32),
        "k": rng.standard_normal(shp).astype(np.float32),
        "v": rng.standard_normal(shp).astype(np.float32),
        "heads": np.int32(heads), "seq": np.int32(seq), "head_dim": np.int32(head_dim),
    }


def reference(inputs: dict) -> dict:
    q, k, v = (inputs[n].astype(np.float64) for n in ("q", "k", "v"))
    s = q @ k.transpose(0, 2, 1) / np.sqrt(q.shape[-1])
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"out": (p @ v).astype(np.float32)}
