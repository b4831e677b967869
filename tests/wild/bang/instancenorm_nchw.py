"""InstanceNorm (eps 1e-5, per-channel gamma/beta) of a fixed NCHW [2,25,37,41] tensor; one plane per task step (Union4), zero-padded sumpool reductions, gamma/beta read from GDRAM by scalar code."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId stride loop, __mlu_func__ helper, __bang_sumpool/__bang_reduce_sum/__bang_mul, scalar GDRAM reads, sqrtf"
ENTRY = "instancenorm_nchw"
PARAMS = ["input", "gamma", "beta", "output"]
OUTPUTS = ["output"]
FAMILY = "instancenorm"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

N, C, H, W = 2, 25, 37, 41


def make_inputs(rng: np.random.Generator) -> dict:
    return {"input": (rng.standard_normal((N, C, H, W)) * 2.0 - 0.7).astype(np.float32),
            "gamma": rng.uniform(0.5, 1.5, C).astype(np.float32),
            "beta": rng.uniform(-0.5, 0.5, C).astype(np.float32),
            "output": np.zeros((N, C, H, W), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    mu = x.mean(axis=(2, 3), keepdims=True)
    var = ((x - mu) ** 2).mean(axis=(2, 3), keepdims=True)
    y = (x - mu) / np.sqrt(var + 1e-5) * inputs["gamma"][None, :, None, None] + inputs["beta"][None, :, None, None]
    return {"output": y.astype(np.float32)}
