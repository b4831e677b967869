"""scatter_elements along axis 1 (replace): Y = X; Y[i, idx[i,j]] = upd[i,j]; X[6,96], idx/upd[6,20], indices distinct per row (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "scatter_rows_kernel"
PARAMS = ["X", "idx", "upd", "Y", "rows", "cols", "nupd"]
OUTPUTS = ["Y"]
FAMILY = "scatter"
CASES = [dict(rows=6, cols=96, nupd=20)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, rows=6, cols=96, nupd=20) -> dict:
    X = rng.standard_normal((rows, cols)).astype(np.float32)
    idx = np.stack([rng.permutation(96)[:20] for _ in range(6)]).astype(np.int32)
    upd = rng.standard_normal((rows, nupd)).astype(np.float32)
    Y = np.zeros((rows, cols), dtype=np.float32)
    return {
        "X": X,
        "idx": idx,
        "upd": upd,
        "Y": Y,
        "rows": np.int32(rows),
        "cols": np.int32(cols),
        "nupd": np.int32(nupd),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    idx = inputs["idx"]
    upd = inputs["upd"].astype(np.float64)
    Y = X.copy()
    for i in range(idx.shape[0]):
        Y[i, idx[i]] = upd[i]
    return {"Y": np.asarray(Y).reshape((6, 96)).astype(np.float32)}
