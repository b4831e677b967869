"""BatchNorm inference (NCHW, running stats), 2x6x9x11, eps 1e-5 (TVM-generated CUDA, hipified)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "batchnorm_inference"
PARAMS = ["X", "gamma", "beta", "mean", "var", "Y", "n", "c", "h", "w"]
OUTPUTS = ["Y"]
FAMILY = "batchnorm"
CASES = [dict(n=2, c=6, h=9, w=11)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, n=2, c=6, h=9, w=11) -> dict:
    X = (rng.standard_normal((n, c, h, w)) * 1.5 + 0.3).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (c,)).astype(np.float32)
    beta = rng.standard_normal((c,)).astype(np.float32)
    mean = rng.uniform(-0.5, 0.5, (c,)).astype(np.float32)
    var = rng.uniform(0.5, 2.0, (c,)).astype(np.float32)
    Y = np.zeros((n, c, h, w), dtype=np.float32)
    return {
        "X": X,
        "gamma": gamma,
        "beta": beta,
        "mean": mean,
        "var": var,
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
    mean = inputs["mean"].astype(np.float64)
    var = inputs["var"].astype(np.float64)
    sh = (1, -1, 1, 1)
    Y = (X - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + 1e-5) * gamma.reshape(sh) + beta.reshape(sh)
    return {"Y": np.asarray(Y).reshape((2, 6, 9, 11)).astype(np.float32)}
