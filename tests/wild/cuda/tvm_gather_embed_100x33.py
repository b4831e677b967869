"""Embedding lookup: rows of table[100,33] picked by 37 int32 ids -> Y[37,33] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "embedding_lookup"
PARAMS = ["table", "ids", "Y", "num_ids", "vocab", "dim"]
OUTPUTS = ["Y"]
FAMILY = "gather"
CASES = [dict(num_ids=37, vocab=100, dim=33)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
EXTENTS = {"table": "vocab * dim"}


def make_inputs(rng: np.random.Generator, num_ids=37, vocab=100, dim=33) -> dict:
    table = rng.standard_normal((vocab, dim)).astype(np.float32)
    ids = rng.integers(0, 100, (num_ids,)).astype(np.int32)
    Y = np.zeros((num_ids, dim), dtype=np.float32)
    return {
        "table": table,
        "ids": ids,
        "Y": Y,
        "num_ids": np.int32(num_ids),
        "vocab": np.int32(vocab),
        "dim": np.int32(dim),
    }


def reference(inputs: dict) -> dict:
    table = inputs["table"].astype(np.float64)
    ids = inputs["ids"]
    Y = table[ids]
    return {"Y": np.asarray(Y).reshape((37, 33)).astype(np.float32)}
