"""torch.gather along dim 1 with int64 indices (random, valid, repeats allowed), one wavefront-sized block per row chunk."""
import numpy as np

ORIGIN = "hand-written: int64_t index tensor, 2-D grid (column chunks x rows) with 1-D 64-thread blocks, <<<>>> launch in HIP, int64 index arithmetic, shapes as parameters"
ENTRY = "gather_dim1"
PARAMS = ["src", "index", "out", "rows", "src_cols", "idx_cols"]
OUTPUTS = ["out"]
FAMILY = "gather"
CASES = [dict(rows=37, src_cols=200, idx_cols=90)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
EXTENTS = {"src": "rows * src_cols"}


def make_inputs(rng: np.random.Generator, rows=37, src_cols=200, idx_cols=90) -> dict:
    return {
        "src": rng.standard_normal((rows, src_cols)).astype(np.float32),
        "index": rng.integers(0, src_cols, (rows, idx_cols)).astype(np.int64),
        "out": np.zeros((rows, idx_cols), np.float32),
        "rows": np.int32(rows), "src_cols": np.int32(src_cols), "idx_cols": np.int32(idx_cols),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.take_along_axis(inputs["src"], inputs["index"], axis=1)}
