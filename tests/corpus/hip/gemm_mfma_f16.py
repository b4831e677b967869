"""Linear layer C = A@W.T + bias, fp16 A/W, fp32 bias/C, __builtin_amdgcn_mfma_f32_16x16x16f16 with _Float16 halfx4 / floatx4 ext_vector_type, 4 waves per 256-thread block (32x32 tile), LDS staging zero-padded in M/N/K, guarded stores, <<<>>>.
Traced: M=50, N=36, K=40, C[49, 35]: block (1, 1), row0=col0=32; sub-tile row 17, col 3 -> wave 2*(17//16)+(3//16)=2 (wm=16, wn=0), tile D[1][3] -> lane 16*(1//4)+3 = 3, acc[1]; lk=0, li=3: row 32+16+0+1=49, col 32+0+3=35. k0=32: c>=8 loads 0."""
import numpy as np

ENTRY = "linear_mfma_f16_kernel"
PARAMS = ["A", "W", "bias", "C", "M", "N", "K"]
OUTPUTS = ["C"]
FAMILY = "gemm"
CASES = [dict(M=50, N=36, K=40), dict(M=64, N=64, K=64), dict(M=16, N=20, K=8)]
TOLERANCE = {"rtol": 1e-3, "atol": 1e-3}


def make_inputs(rng: np.random.Generator, M=50, N=36, K=40) -> dict:
    return {
        "A": rng.standard_normal((M, K)).astype(np.float16),
        "W": rng.standard_normal((N, K)).astype(np.float16),
        "bias": rng.standard_normal(N).astype(np.float32),
        "C": rng.standard_normal((M, N)).astype(np.float32),
        "M": np.int32(M), "N": np.int32(N), "K": np.int32(K),
    }


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64); W = inputs["W"].astype(np.float64)
    return {"C": (A @ W.T + inputs["bias"].astype(np.float64)).astype(np.float32)}
