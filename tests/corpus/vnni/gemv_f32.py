"""Float32 GEMV y = A @ x + bias, A [M][N] row-major; 4-row register blocking sharing x, _mm512_fmadd_ps, masked N tail, _mm512_reduce_add_ps, scalar-row M tail."""
import numpy as np

ENTRY = "gemv_f32"
PARAMS = ["A", "x", "bias", "y", "M", "N"]
OUTPUTS = ["y"]
FAMILY = "gemv"
CASES = [dict(M=67, N=129), dict(M=16, N=512), dict(M=3, N=10)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, M=67, N=129) -> dict:
    return dict(A=rng.standard_normal((M, N)).astype(np.float32),
                x=rng.standard_normal(N).astype(np.float32),
                bias=rng.standard_normal(M).astype(np.float32),
                y=(rng.standard_normal(M) * 100).astype(np.float32),
                M=np.int32(M), N=np.int32(N))


def reference(inputs: dict) -> dict:
    A = inputs["A"].astype(np.float64)
    y = A @ inputs["x"].astype(np.float64) + inputs["bias"].astype(np.float64)
    return {"y": y.astype(np.float32)}
