"""Gated MLP out = silu(x@Wg) * (x@Wu), fp32, 16x16 LDS tiles (x tile padded to 17 columns, shared by both GEMMs), zero-padded loads in M/N/K, guarded stores, 2-D (16,16) blocks, hipLaunchKernelGGL.
Traced: M=37, N=45, K=50, out[36, 44]: block (2, 2), thread (tx=12, ty=4); k-tiles 0,16,32,48 (k>=50 loads 0); acc_g, acc_u = x[36,:] . Wg[:,44], Wu[:,44]; out = acc_g/(1+exp(-acc_g))*acc_u."""
import numpy as np

ENTRY = "gated_mlp_silu_kernel"
PARAMS = ["x", "Wg", "Wu", "out", "M", "N", "K"]
OUTPUTS = ["out"]
FAMILY = "gated_mlp"
CASES = [dict(M=37, N=45, K=50), dict(M=32, N=64, K=48)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=37, N=45, K=50) -> dict:
    return {
        "x": rng.standard_normal((M, K)).astype(np.float32),
        "Wg": (rng.standard_normal((K, N)) / np.sqrt(K) * 2).astype(np.float32),
        "Wu": (rng.standard_normal((K, N)) / np.sqrt(K)).astype(np.float32),
        "out": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["Wg"].astype(np.float64)
    u = x @ inputs["Wu"].astype(np.float64)
    return {"out": (g / (1.0 + np.exp(-g)) * u).astype(np.float32)}
