"""Dense layer y = x W^T + b in float32 (W [out][in]): four output columns per step sharing each x load, _mm512_fmadd_ps accumulators, masked K tail, _mm512_reduce_add_ps, scalar-column remainder; OpenMP over rows."""
import numpy as np

ENTRY = "dense_f32"
PARAMS = ["x", "W", "b", "y", "M", "N", "K"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(M=16, N=32, K=64), dict(M=7, N=23, K=50)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}   # float32 sums of K products, tree order


def make_inputs(rng: np.random.Generator, M=16, N=32, K=64) -> dict:
    return dict(x=rng.standard_normal((M, K)).astype(np.float32),
                W=(rng.standard_normal((N, K)) / np.sqrt(K)).astype(np.float32),
                b=rng.standard_normal(N).astype(np.float32),
                y=rng.standard_normal((M, N)).astype(np.float32),
                M=np.int32(M), N=np.int32(N), K=np.int32(K))


def reference(inputs: dict) -> dict:
    x, W, b = (inputs[k].astype(np.float64) for k in ("x", "W", "b"))
    return {"y": (x @ W.T + b).astype(np.float32)}
