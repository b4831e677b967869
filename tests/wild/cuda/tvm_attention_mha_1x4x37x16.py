"""Multi-head attention softmax(Q K^T / 4) V, B=1, H=4, S=37, D=16 (TE compute, softmax inside; TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "mha_forward"
PARAMS = ["Q", "K", "V", "O", "batch", "heads", "seq", "head_dim"]
OUTPUTS = ["O"]
FAMILY = "attention"
CASES = [dict(batch=1, heads=4, seq=37, head_dim=16)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, batch=1, heads=4, seq=37, head_dim=16) -> dict:
    Q = rng.standard_normal((batch, heads, seq, head_dim)).astype(np.float32)
    K = rng.standard_normal((batch, heads, seq, head_dim)).astype(np.float32)
    V = rng.standard_normal((batch, heads, seq, head_dim)).astype(np.float32)
    O = np.zeros((batch, heads, seq, head_dim), dtype=np.float32)
    return {
        "Q": Q,
        "K": K,
        "V": V,
        "O": O,
        "batch": np.int32(batch),
        "heads": np.int32(heads),
        "seq": np.int32(seq),
        "head_dim": np.int32(head_dim),
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
    return {"O": np.asarray(O).reshape((1, 4, 37, 16)).astype(np.float32)}
