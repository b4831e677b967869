"""Gated MLP (SwiGLU up-projection) out = silu(x @ Wg) * (x @ Wu), fp32 row-major, both GEMMs fused in one shared-memory tiled pass (32x32 block tile, BK=16, 16x16 threads with 2x2 register micro-tiles of each accumulator), zero-filled tile edges, silu via expf.
Traced: M=37, N=45, K=40: out[33,40] -> block (x=1, y=1), thread (tx=8, ty=1), accumulators g00 / u00; K steps 0, 16, 32 (Xs cols / Gs, Us rows 40..47 zero); thread (tx=13, ty=5) of that block writes nothing (rows 37+, cols 45+)."""
import numpy as np

ENTRY = "gated_mlp_silu_kernel"
PARAMS = ["x", "Wg", "Wu", "out", "M", "N", "K"]
OUTPUTS = ["out"]
FAMILY = "gated_mlp"
CASES = [dict(M=37, N=45, K=40), dict(M=64, N=64, K=32), dict(M=5, N=3, K=7)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=37, N=45, K=40) -> dict:
    s = 1.0 / np.sqrt(K)
    return {
        "x": rng.standard_normal((M, K)).astype(np.float32),
        "Wg": (rng.standard_normal((K, N)) * 2.0 * s).astype(np.float32),  # gate pre-activations ~ N(0, 4)
        "Wu": (rng.standard_normal((K, N)) * s).astype(np.float32),
        "out": rng.standard_normal((M, N)).astype(np.float32),  # garbage, fully overwritten
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    g = x @ inputs["Wg"].astype(np.float64)
    u = x @ inputs["Wu"].astype(np.float64)
    return {"out": (g / (1.0 + np.exp(-g)) * u).astype(np.float32)}
