"""Inference BatchNorm (running mean/var, gamma/beta, eps 1e-5) on a fixed NHWC [4,23,19,64] tensor; Union4, per-channel scale/shift then cycle ops over pixel chunks."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, clusterId*coreDim+coreId split with ceil, __bang_sqrt/__bang_div/__bang_cycle_mul/__bang_cycle_add"
ENTRY = "batchnorm_nhwc"
PARAMS = ["x", "mean", "var", "gamma", "beta", "y"]
OUTPUTS = ["y"]
FAMILY = "batchnorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}
LAUNCH = {"union": 4, "tasks": 16}

N, H, W, C = 4, 23, 19, 64


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((N, H, W, C)).astype(np.float32),
            "mean": rng.uniform(-0.5, 0.5, C).astype(np.float32),
            "var": rng.uniform(0.2, 2.0, C).astype(np.float32),
            "gamma": rng.uniform(0.5, 1.5, C).astype(np.float32),
            "beta": rng.uniform(-0.3, 0.3, C).astype(np.float32),
            "y": np.zeros((N, H, W, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    y = (x - inputs["mean"]) / np.sqrt(inputs["var"].astype(np.float64) + 1e-5) * inputs["gamma"] + inputs["beta"]
    return {"y": y.astype(np.float32)}
