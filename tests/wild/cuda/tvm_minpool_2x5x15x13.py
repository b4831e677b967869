"""Min pool 3x3, stride 2, no padding (TE compute), NCHW X[2,5,15,13] -> Y[2,5,7,6] (TVM-generated)."""
import numpy as np

ORIGIN = "apache-tvm 0.27.0.post1, tests/wild/gen/tvm_cuda.py"
ENTRY = "min_pool_kernel"
PARAMS = ["X", "Y", "batch", "channels", "height", "width"]
OUTPUTS = ["Y"]
FAMILY = "pooling"
CASES = [dict(batch=2, channels=5, height=15, width=13)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, batch=2, channels=5, height=15, width=13) -> dict:
    X = (rng.permutation(batch * channels * height * width).reshape((batch, channels, height, width)) * 0.01 - 5.0).astype(np.float32)
    Y = np.zeros((batch, channels, 7, 6), dtype=np.float32)
    return {
        "X": X,
        "Y": Y,
        "batch": np.int32(batch),
        "channels": np.int32(channels),
        "height": np.int32(height),
        "width": np.int32(width),
    }


def reference(inputs: dict) -> dict:
    X = inputs["X"].astype(np.float64)
    Y = np.zeros((2, 5, 7, 6))
    for i in range(7):
        for j in range(6):
            Y[:, :, i, j] = X[:, :, 2 * i:2 * i + 3, 2 * j:2 * j + 3].min(axis=(2, 3))
    return {"Y": np.asarray(Y).reshape((2, 5, 7, 6)).astype(np.float32)}
