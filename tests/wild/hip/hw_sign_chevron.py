"""Elementwise sign (-1/0/+1) using the legacy hipBlockIdx_x / hipThreadIdx_x macros, launched with triple chevrons."""
import numpy as np

ORIGIN = "hand-written: legacy hipBlockIdx_x/hipBlockDim_x/hipThreadIdx_x macros, <<<>>> launch in HIP, __device__ inline helper with bool arithmetic, #define block size, no error checks"
ENTRY = "sign_kernel"
PARAMS = ["input", "output", "count"]
OUTPUTS = ["output"]
FAMILY = "elementwise"
CASES = [dict(count=2500)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}


def make_inputs(rng: np.random.Generator, count=2500) -> dict:
    x = rng.standard_normal(count).astype(np.float32)
    x[rng.integers(0, count, count // 10)] = 0.0   # exact zeros too
    return {"input": x, "output": np.zeros(count, np.float32), "count": np.int32(count)}


def reference(inputs: dict) -> dict:
    return {"output": np.sign(inputs["input"]).astype(np.float32)}
