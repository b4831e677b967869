"""LayerNorm over hidden 768 (constexpr), one 192-thread block per token, one float4 per thread kept in registers, two-pass mean/variance."""
import numpy as np

ORIGIN = "hand-written: constexpr hidden size baked into kernel, __launch_bounds__(192), float4 loads, __shfl_xor_sync warp sums, block reduce via shared memory, rsqrtf, tokens as the only parameter"
ENTRY = "layernorm_kernel"
PARAMS = ["x", "gamma", "beta", "y", "tokens"]
OUTPUTS = ["y"]
FAMILY = "layernorm"
CASES = [dict(tokens=40), dict(tokens=3)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

HIDDEN = 768


def make_inputs(rng: np.random.Generator, tokens=40) -> dict:
    return {
        "x": (rng.standard_normal((tokens, HIDDEN)) * 1.5 + 0.3).astype(np.float32),
        "gamma": rng.uniform(0.5, 1.5, HIDDEN).astype(np.float32),
        "beta": rng.uniform(-0.5, 0.5, HIDDEN).astype(np.float32),
        "y": np.zeros((tokens, HIDDEN), np.float32),
        "tokens": np.int32(tokens),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    mean = x.mean(axis=1, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=1, keepdims=True)
    y = (x - mean) / np.sqrt(var + 1e-5) * inputs["gamma"] + inputs["beta"]
    return {"y": y.astype(np.float32)}
