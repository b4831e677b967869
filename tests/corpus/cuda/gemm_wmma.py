"""GEMM C = A@B, fp16 row-major inputs, fp32 accumulate/output, wmma 16x16x16 (4 warps, 32x32x32 block tile); M/N/K tails by zero-padding the shared-memory tiles, output staged through shared memory with guarded stores.
Traced: M=37,N=20,K=40: C[33,17] -> block (x=0, y=1), r=1, c=17 -> warp 1 (warp_m=0, warp_n=1) accumulator element (1,1), Cs[1][17]; k tiles 0 and 32 (As cols / Bs rows 40..63 zero-filled); Cs rows 5..31 and cols 20..31 are not copied out."""
import numpy as np

ENTRY = "gemm_wmma_kernel"
PARAMS = ["A", "B", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=64, N=48, K=64), dict(M=37, N=20, K=40), dict(M=16, N=70, K=8)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, M=64, N=48, K=64) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float16),
        "B": rng.standard_normal((K, N)).astype(np.float16),
        "C": rng.standard_normal((M, N)).astype(np.float32),  # garbage, fully overwritten
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    B = inputs["B"].astype(np.float64)
    return {"C": (A @ B).astype(np.float32)}
