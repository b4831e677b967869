"""Grouped-query attention: 6 query heads share 2 KV heads, S=33, D=16, scale 1/4 (TE compute, softmax inside; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "gqa_attention"
PARAMS = ["Q", "K", "V", "O", "q_heads", "kv_heads", "seq"]
OUTPUTS = ["O"]
FAMILY = "attention"
CASES = [dict(q_heads=6, kv_heads=2, seq=33)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, q_heads=6, kv_heads=2, seq=33) -> dict:
    Q = rng.standard_normal((1, q_heads, seq, 16)).astype(np.float32)
    K = rng.standard_normal((1, kv_heads, seq, 16)).astype(np.float32)
    V = rng.standard_normal((1, kv_heads, seq, 16)).astype(np.float32)
    O = np.zeros((1, q_heads, seq, 16), dtype=np.float32)
    return {
        "Q": Q,
        "K": K,
        "V": V,
        "O": O,
        "q_heads": np.int32(q_heads),
        "kv_heads": np.int32(kv_heads),
        "seq": np.int32(seq),
    }


def reference(inputs: dict) -> dict:
    Q = inputs["Q"].astype(np.float64)
    K = inputs["K"].astype(np.float64)
    V = inputs["V"].astype(np.float64)
    G = Q.shape[1] // K.shape[1]
    Kx = np.repeat(K, G, axis=1)
    Vx = np.repeat(V, G, axis=1)
    S = np.einsum("bhid,bhjd->bhij", Q, Kx) * 0.25
    e = np.exp(S - S.max(axis=-1, keepdims=True))
    P = e / e.sum(axis=-1, keepdims=True)
    O = np.einsum("bhij,bhjd->bhid", P, Vx)
    return {"O": np.asarray(O).reshape((1, 6, 33, 16)).astype(np.float32)}
