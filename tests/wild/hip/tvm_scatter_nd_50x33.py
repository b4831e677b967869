"""scatter_nd (replace): Y = X[50,33]; Y[idx[k]] = upd[k] for 37 distinct rows (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "scatter_nd_update"
PARAMS = ["X", "idx", "upd", "Y", "rows", "dim", "n"]
OUTPUTS = ["Y"]
FAMILY = "scatter"
CASES = [dict(rows=50, dim=33, n=37)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=50, dim=33, n=37) -> dict:
    X = rng.standard_normal((rows, dim)).astype(np.float32)
    idx = rng.permutation(rows)[:n].reshape((n, 1)).astype(np.int32)
    upd = rng.standard_normal((n, dim)).astype(np.float32)
    Y = np.zeros((rows, dim), dtype=np.float32)
    return {
        "X": X,
        "idx": idx,
        "upd": upd,
        "Y": Y,
        "rows": np.int32(rows),
        "dim": np.int32(dim),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    idx = inputs["idx"]
    upd = inputs["upd"].astype(np.float64)
    Y = X.copy()
    Y[idx[:, 0]] = upd
    return {"Y": np.asarray(Y).reshape((50, 33)).astype(np.float32)}
