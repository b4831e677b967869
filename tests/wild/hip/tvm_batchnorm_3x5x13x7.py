"""BatchNorm inference (NCHW, running stats), 3x5x13x7, eps 1e-5 (TVM-generated CUDA, hipified, device-only)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py + tests/wild/gen/hipify.py"
ENTRY = "default_function_kernel"
PARAMS = ["T_batch_norm_ptr", "X_ptr", "beta_ptr", "gamma_ptr", "mean_ptr", "var_ptr"]
OUTPUTS = ["T_batch_norm_ptr"]
FAMILY = "batchnorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
LAUNCH = {"grid": [2, 1, 1], "block": [1024, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator) -> dict:
    X = (rng.standard_normal((3, 5, 13, 7)) * 1.5 + 0.3).astype(np.float32)
    gamma = rng.uniform(0.5, 1.5, (5,)).astype(np.float32)
    beta = rng.standard_normal((5,)).astype(np.float32)
    mean = rng.uniform(-0.5, 0.5, (5,)).astype(np.float32)
    var = rng.uniform(0.5, 2.0, (5,)).astype(np.float32)
    Y = np.zeros((3, 5, 13, 7), dtype=np.float32)
    return {
        "X_ptr": X,
        "gamma_ptr": gamma,
        "beta_ptr": beta,
        "mean_ptr": mean,
        "var_ptr": var,
        "T_batch_norm_ptr": Y,
    }


def reference(inputs: dict) -> dict:
    X = inputs["X_ptr"].astype(np.float64)
    gamma = inputs["gamma_ptr"].astype(np.float64)
    beta = inputs["beta_ptr"].astype(np.float64)
    mean = inputs["mean_ptr"].astype(np.float64)
    var = inputs["var_ptr"].astype(np.float64)
    sh = (1, -1, 1, 1)
    Y = (X - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + 1e-5) * gamma.reshape(sh) + beta.reshape(sh)
    return {"T_batch_norm_ptr": np.asarray(Y).reshape((3, 5, 13, 7)).astype(np.float32)}
