"""Row scatter-add (index_add_) out[idx[i],:] += src[i,:], fp32, accumulated into the existing out; int32 indices with many duplicates, indices outside [0, V) skipped; 32 x 8 threads per block (y = source row, x strides D), float atomicAdd.
Traced: num=75, D=45, V=20: src row 70 -> block 8, threadIdx.y=6; lane 3 adds src[70,3] and src[70,35] into out[idx[70], 3 / 35]; block 9 rows 72..79: threadIdx.y >= 3 exits.
Float atomics land in an unspecified order, so sums are compared with a tolerance."""
import numpy as np

ENTRY = "scatter_add_rows_kernel"
PARAMS = ["src", "idx", "out", "V", "num", "D"]
OUTPUTS = ["out"]
FAMILY = "scatter"
CASES = [dict(V=20, num=75, D=45), dict(V=64, num=256, D=64), dict(V=3, num=5, D=2)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, V=20, num=75, D=45) -> dict:
    idx = rng.integers(0, V, num).astype(np.int32)       # num > V: duplicates guaranteed
    idx[rng.integers(0, num, 3)] = idx[0]                 # one row hit at least 4 times
    if num > 4:
        idx[1] = -1                                       # out of range: skipped
        idx[4] = V
    return {
        "src": rng.standard_normal((num, D)).astype(np.float32),
        "idx": idx,
        "out": rng.standard_normal((V, D)).astype(np.float32),   # accumulated into
        "V": np.int32(V), "num": np.int32(num), "D": np.int32(D),
    }


def reference(inputs: dict) -> dict:
    idx = inputs["idx"]
    V = int(inputs["V"])
    out = inputs["out"].astype(np.float64).copy()
    keep = (idx >= 0) & (idx < V)
    np.add.at(out, idx[keep], inputs["src"].astype(np.float64)[keep])
    return {"out": out.astype(np.float32)}
