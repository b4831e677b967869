"""Dense layer y = x @ W.T + b, x[M,K] and W[N,K] fp16, bias / y fp32, wmma 16x16x16 fp32 accumulate; 32x32x32 block tiles of x and W in shared memory, zero-padded past M, N, K; W's [n][k] tile read as a col_major matrix_b; accumulators staged through shared memory, bias added on the guarded store.
Traced: M=50, N=40, K=72: y[45,37] -> block (x=1, y=1), r=13, c=5 -> warp 0 (wm=0, wn=0) accumulator element (13,5); K tiles 0, 32, 64 (cols 72..95 zero); Ws rows 8..31 of block x=1 zero (n >= 40)."""
import numpy as np

ENTRY = "dense_wmma_kernel"
PARAMS = ["x", "W", "bias", "y", "M", "N", "K"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(M=50, N=40, K=72), dict(M=64, N=64, K=64), dict(M=3, N=17, K=10)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, M=50, N=40, K=72) -> dict:
    return {
        "x": rng.standard_normal((M, K)).astype(np.float16),
        "W": (rng.standard_normal((N, K)) / np.sqrt(K)).astype(np.float16),
        "bias": rng.standard_normal(N).astype(np.float32),
        "y": rng.standard_normal((M, N)).astype(np.float32),  # garbage, fully overwritten
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    W = inputs["W"].astype(np.float64)
    return {"y": (x @ W.T + inputs["bias"].astype(np.float64)).astype(np.float32)}
