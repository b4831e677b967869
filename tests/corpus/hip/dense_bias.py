"""Dense layer y = x@W^T + b with W stored [N, K], 16x16 LDS tiles (both loaded along K, padded to 17 columns, W tile read transposed), zero-padded loads in M/N/K, guarded stores, 2-D (16,16) blocks, <<<>>> launch.
Traced: M=33, N=50, K=70, y[32, 49]: block (3, 2), thread (tx=1, ty=0); k-tiles 0..64 (k>=70 loads 0); W row 49 loaded by ty=1 of block column 3 into Ws[1][*]; y = sum_k x[32,k]*W[49,k] + b[49]."""
import numpy as np

ENTRY = "dense_bias_kernel"
PARAMS = ["x", "W", "b", "y", "M", "N", "K"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(M=33, N=50, K=70), dict(M=64, N=32, K=48)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=33, N=50, K=70) -> dict:
    return {
        "x": rng.standard_normal((M, K)).astype(np.float32),
        "W": (rng.standard_normal((N, K)) / np.sqrt(K)).astype(np.float32),
        "b": rng.standard_normal(N).astype(np.float32),
        "y": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64); W = inputs["W"].astype(np.float64)
    return {"y": (x @ W.T + inputs["b"].astype(np.float64)).astype(np.float32)}
