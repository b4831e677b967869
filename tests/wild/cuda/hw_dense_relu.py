"""Dense layer (x @ W^T + b) with ReLU for a fixed 8x128 -> 8x96 problem; input row staged in shared memory; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, constexpr shapes baked into the kernel, no size parameters, __launch_bounds__(96), __ldg, #pragma unroll 8, max(x, 0.0f)"
ENTRY = "linear_relu_fwd"
PARAMS = ["input", "weight", "bias", "output"]
OUTPUTS = ["output"]
FAMILY = "dense"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"grid": [8, 1, 1], "block": [96, 1, 1], "shared_bytes": 0}

B, IN, OUT = 8, 128, 96


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "input": rng.standard_normal((B, IN)).astype(np.float32),
        "weight": (rng.standard_normal((OUT, IN)) / np.sqrt(IN)).astype(np.float32),
        "bias": rng.uniform(-0.3, 0.3, OUT).astype(np.float32),
        "output": np.zeros((B, OUT), np.float32),
    }


def reference(inputs: dict) -> dict:
    y = inputs["input"].astype(np.float64) @ inputs["weight"].astype(np.float64).T + inputs["bias"]
    return {"output": np.maximum(y, 0.0).astype(np.float32)}
