"""Linear layer y = x W^T + bias with an optional fused ReLU flag; OpenMP parallel for collapse(2)
over (batch, out_features), scalar dot product."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for collapse(2) schedule(static), scalar inner loop, int flag parameter"
ENTRY = "linear_forward"
PARAMS = ["y", "x", "W", "bias", "batch", "in_features", "out_features", "relu"]
OUTPUTS = ["y"]
FAMILY = "dense"
CASES = [dict(batch=37, in_features=256, out_features=100, relu=1),
         dict(batch=8, in_features=1000, out_features=96, relu=0)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=37, in_features=256, out_features=100, relu=1) -> dict:
    return {
        "y": np.zeros((batch, out_features), np.float32),
        "x": rng.standard_normal((batch, in_features)).astype(np.float32),
        "W": (rng.standard_normal((out_features, in_features)) / np.sqrt(in_features)).astype(np.float32),
        "bias": rng.normal(0.0, 0.3, out_features).astype(np.float32),
        "batch": np.int32(batch), "in_features": np.int32(in_features),
        "out_features": np.int32(out_features), "relu": np.int32(relu),
    }


def reference(inputs: dict) -> dict:
    y = inputs["x"].astype(np.float64) @ inputs["W"].astype(np.float64).T + inputs["bias"]
    if inputs["relu"]:
        y = np.maximum(y, 0.0)
    return {"y": y.astype(np.float32)}
