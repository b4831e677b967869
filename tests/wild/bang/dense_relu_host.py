"""Dense layer + ReLU (x 50x128, PyTorch weight 200x128, bias) with __bang_matmul on WRAM weights, cycle_add bias, active_relu; CNRT host launcher Union4 {16,1,1}; size parameters unused by the kernel."""
import numpy as np

ORIGIN = "hand-written: host launcher (ERRCHK macro), static const int shapes, size parameters only used for allocation, __bang_reshape_filter/__bang_matmul/__bang_cycle_add/__bang_active_relu"
ENTRY = "dense_relu_kernel"
PARAMS = ["x", "w", "bias", "y", "batch", "in_features", "out_features"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(batch=50, in_features=128, out_features=200)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=50, in_features=128, out_features=200) -> dict:
    return {"x": rng.standard_normal((batch, in_features)).astype(np.float32),
            "w": (rng.standard_normal((out_features, in_features)) * 0.1).astype(np.float32),
            "bias": rng.uniform(-0.5, 0.5, out_features).astype(np.float32),
            "y": np.zeros((batch, out_features), np.float32),
            "batch": np.int32(batch), "in_features": np.int32(in_features),
            "out_features": np.int32(out_features)}


def reference(inputs: dict) -> dict:
    y = inputs["x"].astype(np.float64) @ inputs["w"].astype(np.float64).T + inputs["bias"]
    return {"y": np.maximum(y, 0.0).astype(np.float32)}
