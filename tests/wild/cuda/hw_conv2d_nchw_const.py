"""Direct 3x3 conv2d NCHW (stride 1, pad 1) on a fixed 2x3x17x17 -> 2x8x17x17 layer, filter and bias in __constant__ memory."""
import numpy as np

ORIGIN = "hand-written: #define layer shape and TOTAL, __constant__ filter/bias via cudaMemcpyToSymbol, one thread per output, __launch_bounds__(128) with literal 128 in the index, #pragma unroll, continue-based padding"
ENTRY = "conv2d_forward"
PARAMS = ["input", "weight", "bias", "output"]
OUTPUTS = ["output"]
FAMILY = "conv2d_nchw"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

N, CI, H, W, CO, KS, PAD = 2, 3, 17, 17, 8, 3, 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {
        "input": rng.standard_normal((N, CI, H, W)).astype(np.float32),
        "weight": rng.standard_normal((CO, CI, KS, KS)).astype(np.float32) * np.float32(0.3),
        "bias": rng.uniform(-0.5, 0.5, CO).astype(np.float32),
        "output": np.zeros((N, CO, H, W), np.float32),
    }


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["input"].astype(np.float64), ((0, 0), (0, 0), (PAD, PAD), (PAD, PAD)))
    w = inputs["weight"].astype(np.float64)
    out = np.zeros((N, CO, H, W))
    for kh in range(KS):
        for kw in range(KS):
            out += np.einsum("nchw,oc->nohw", x[:, :, kh:kh + H, kw:kw + W], w[:, :, kh, kw])
    out += inputs["bias"][None, :, None, None]
    return {"output": out.astype(np.float32)}
