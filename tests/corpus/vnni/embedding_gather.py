"""Embedding gather out[i] = table[idx[i]] * scale (float32, #define dim 100), zero row for out-of-range ids; vector copy-scale with a 4-lane masked tail, OpenMP over tokens."""
import numpy as np

ENTRY = "embedding_gather_f32"
PARAMS = ["table", "idx", "out", "n_tokens", "vocab", "scale"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(n_tokens=77, vocab=50), dict(n_tokens=8, vocab=1000)]
# elements the caller passes where the kernel cannot tell (gathers, unread tails, a
# precondition among sizes): what a user states with `xpiler translate --extent NAME=EXPR`
EXTENTS = {"table": "vocab * 100"}
TOLERANCE = {"rtol": 0.0, "atol": 0.0}   # one float32 multiply: bit-exact

EMB_DIM = 100


def make_inputs(rng: np.random.Generator, n_tokens=77, vocab=50) -> dict:
    idx = rng.integers(0, vocab, size=n_tokens).astype(np.int32)
    idx[rng.integers(0, n_tokens, size=max(1, n_tokens // 10))] = -1          # padding id
    idx[rng.integers(0, n_tokens)] = vocab + 3                                # out of range
    idx[rng.integers(0, n_tokens)] = vocab                                    # first invalid id
    return dict(table=rng.standard_normal((vocab, EMB_DIM)).astype(np.float32),
                idx=idx,
                out=rng.standard_normal((n_tokens, EMB_DIM)).astype(np.float32),
                n_tokens=np.int32(n_tokens), vocab=np.int32(vocab),
                scale=np.float32(np.sqrt(EMB_DIM) * 1.1))


def reference(inputs: dict) -> dict:
    idx, table = inputs["idx"], inputs["table"]
    valid = (idx >= 0) & (idx < table.shape[0])
    out = np.zeros((idx.size, EMB_DIM), np.float32)
    out[valid] = table[idx[valid]] * inputs["scale"]     # float32 * float32, like the kernel
    return {"out": out}
