"""Conv2d NHWC 3x3, stride 1, valid: 19x23x16 -> 17x21x32 with bias; __bang_conv with reshaped WRAM filter, bias by cycle_add; Union4, one band of output rows per core."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes incl. derived OH/OW, clusterId*coreDim+coreId row bands, __bang_reshape_filter + __wram__ + __bang_conv + __bang_cycle_add"
ENTRY = "conv2d_nhwc_conv"
PARAMS = ["input", "filter", "bias", "output"]
OUTPUTS = ["output"]
FAMILY = "conv2d_nhwc"
CASES = [{}]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}
LAUNCH = {"union": 4, "tasks": 16}

IH, IW, IC, OC, KH, KW = 19, 23, 16, 32, 3, 3
OH, OW = IH - KH + 1, IW - KW + 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {"input": rng.standard_normal((IH, IW, IC)).astype(np.float32),
            "filter": (rng.standard_normal((OC, KH, KW, IC)) * 0.1).astype(np.float32),
            "bias": rng.uniform(-0.5, 0.5, OC).astype(np.float32),
            "output": np.zeros((OH, OW, OC), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["input"].astype(np.float64)
    f = inputs["filter"].astype(np.float64)
    out = np.zeros((OH, OW, OC)) + inputs["bias"]
    for i in range(KH):
        for j in range(KW):
            out += np.einsum("hwc,oc->hwo", x[i:i + OH, j:j + OW, :], f[:, i, j, :])
    return {"output": out.astype(np.float32)}
