"""Self-attention (MHA) O = softmax(QK^T*scale, optional causal mask) V: fp16 Q/K/V [B][H][S][32], fp32 O; scores by wmma 16x16x16 (K as col_major matrix_b), warp-per-row shuffle softmax in shared memory, fp32 P@V; S must be a multiple of 16 (<= 128), no WMMA tails.
Traced: B=1,H=3,S=48,causal: O[0,2,37,5] -> block (x=2, y=2), q0=32, r=5; scores row 5 from warps 0..2 (key tiles 0,16,32); softmax by warp 1, limit 38; P@V by tid 37 (d=5, r=1,5,9,13)."""
import numpy as np

ENTRY = "mha_wmma_kernel"
PARAMS = ["Q", "K", "V", "O", "B", "H", "S", "scale", "causal"]
OUTPUTS = ["O"]
FAMILY = "attention"
HEAD_DIM = 32
CASES = [dict(B=2, H=2, S=64, causal=0), dict(B=1, H=3, S=48, causal=1), dict(B=1, H=1, S=128, causal=1)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, B=2, H=2, S=64, causal=0) -> dict:
    shape = (B, H, S, HEAD_DIM)
    return {
        "Q": (rng.standard_normal(shape) * 1.5).astype(np.float16),
        "K": (rng.standard_normal(shape) * 1.5).astype(np.float16),
        "V": rng.standard_normal(shape).astype(np.float16),
        "O": rng.standard_normal(shape).astype(np.float32),
        "B": np.int32(B), "H": np.int32(H), "S": np.int32(S),
        "scale": np.float32(1.0 / np.sqrt(HEAD_DIM)), "causal": np.int32(causal),
    }


def reference(inputs: dict) -> dict:
    q = inputs["Q"].astype(np.float64)
    k = inputs["K"].astype(np.float64)
    v = inputs["V"].astype(np.float64)
    S = q.shape[2]
    s = np.einsum("bhid,bhjd->bhij", q, k) * float(inputs["scale"])
    if int(inputs["causal"]):
        s = np.where(np.tril(np.ones((S, S), dtype=bool)), s, -np.inf)
    p = np.exp(s - s.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    return {"O": np.einsum("bhij,bhjd->bhid", p, v).astype(np.float32)}
