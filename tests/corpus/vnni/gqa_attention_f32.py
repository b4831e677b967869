"""Grouped-query attention in float32 (hq query heads share hkv kv heads), optional causal mask: online softmax with running max/sum rescaling, HEAD_DIM=40 as 2 zmm + 8-lane masked tail, _mm512_fmadd_ps dots and accumulation; OpenMP over (head, query)."""
import numpy as np

ENTRY = "gqa_attention_f32"
PARAMS = ["q", "k", "v", "out", "hq", "hkv", "seq", "scale", "causal"]
OUTPUTS = ["out"]
FAMILY = "attention"
CASES = [dict(hq=8, hkv=2, seq=16, causal=1), dict(hq=6, hkv=3, seq=13, causal=0)]
# elements the caller passes where the kernel cannot tell (gathers, unread tails, a
# precondition among sizes): what a user states with `xpiler translate --extent NAME=EXPR`
EXTENTS = {"k": "hkv * seq * 40", "v": "hkv * seq * 40"}
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}

HEAD_DIM = 40


def make_inputs(rng: np.random.Generator, hq=8, hkv=2, seq=16, causal=1) -> dict:
    return dict(q=rng.standard_normal((hq, seq, HEAD_DIM)).astype(np.float32),
                k=rng.standard_normal((hkv, seq, HEAD_DIM)).astype(np.float32),
                v=rng.standard_normal((hkv, seq, HEAD_DIM)).astype(np.float32),
                out=rng.standard_normal((hq, seq, HEAD_DIM)).astype(np.float32),
                hq=np.int32(hq), hkv=np.int32(hkv), seq=np.int32(seq),
                scale=np.float32(1.0 / np.sqrt(HEAD_DIM) * 1.5), causal=np.int32(causal))


def reference(inputs: dict) -> dict:
    q, k, v = (inputs[n].astype(np.float64) for n in ("q", "k", "v"))
    group = q.shape[0] // k.shape[0]
    k, v = np.repeat(k, group, axis=0), np.repeat(v, group, axis=0)
    s = np.einsum("hid,hjd->hij", q, k) * float(inputs["scale"])
    if int(inputs["causal"]):
        seq = q.shape[1]
        s = np.where(np.tril(np.ones((seq, seq), bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"out": np.einsum("hij,hjd->hid", p, v).astype(np.float32)}
