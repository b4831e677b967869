"""InstanceNorm (NCHW, per-channel affine), 2x6x9x11, eps 1e-5 (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "instancenorm_kernel"
PARAMS = ["X", "gamma", "beta", "Y", "n", "c", "h", "w"]
OUTPUTS = ["Y"]
FAMILY = "instancenorm"
CASES = [dict(n=2, c=6, h=9, w=11)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, n=2, c=6, h=9, w=11) -> dict:
    X = (rng.standard_normal((n, c, h, w)) * 2.0 - 0.4).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (c,)).astype(np.float32)
    beta = rng.standard_normal((c,)).astype(np.float32)
    Y = np.zeros((n, c, h, w), dtype=np.float32)
    return {
        "X": X,
        "gamma": gamma,
        "beta": beta,
        "Y": Y,
        "n": np.int32(n),
        "c": np.int32(c),
        "h": np.int32(h),
        "w": np.int32(w),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    gamma = inputs["gamma"].astype(np.float64)
    beta = inputs["beta"].astype(np.float64)
    mu = X.mean(axis=(2, 3), keepdims=True)
    v = ((X - mu) ** 2).mean(axis=(2, 3), keepdims=True)
    Y = (X - mu) / np.sqrt(v + 1e-5) * gamma.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)
    return {"Y": np.asarray(Y).reshape((2, 6, 9, 11)).astype(np.float32)}
