"""Scaled dot-product attention per head, float32 [heads][seq][32], optional causal mask; 2-zmm q.k dots with _mm512_reduce_add_ps, stack score row, scalar expf, fmadd P@V."""
import numpy as np

ENTRY = "attention_f32"
PARAMS = ["q", "k", "v", "out", "heads", "seq", "scale", "causal"]
OUTPUTS = ["out"]
FAMILY = "attention"
CASES = [dict(heads=4, seq=37, causal=0), dict(heads=2, seq=64, causal=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

HEAD_DIM = 32


def make_inputs(rng: np.random.Generator, heads=4, seq=37, causal=0) -> dict:
    shape = (heads, seq, HEAD_DIM)
    return dict(q=rng.standard_normal(shape).astype(np.float32),
                k=rng.standard_normal(shape).astype(np.float32),
                v=rng.standard_normal(shape).astype(np.float32),
                out=rng.standard_normal(shape).astype(np.float32),
                heads=np.int32(heads), seq=np.int32(seq),
                scale=np.float32(1.0 / np.sqrt(HEAD_DIM)), causal=np.int32(causal))


def reference(inputs: dict) -> dict:
    q, k, v = (inputs[n].astype(np.float64) for n in ("q", "k", "v"))
    s = np.einsum("hid,hjd->hij", q, k) * float(inputs["scale"])
    seq = q.shape[1]
    if int(inputs["causal"]):
        s = np.where(np.tril(np.ones((seq, seq), bool))[None], s, -np.inf)
    p = np.exp(s - s.max(axis=2, keepdims=True))
    p /= p.sum(axis=2, keepdims=True)
    return {"out": np.einsum("hij,hjd->hid", p, v).astype(np.float32)}
