"""Conv1d NCL, IC 16 -> OC 24, kernel 5, 'same' zero padding 2, length 200 (const int globals), batch a
parameter; plain loops with a stack patch float patch[IC * KW]."""
import numpy as np

ORIGIN = "hand-written: plain serial loop nest, const int shapes used as an array size, im2col patch on the stack"
ENTRY = "conv1d_same"
PARAMS = ["y", "x", "w", "b", "batch"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
CASES = [dict(batch=2)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}

IC, OC, KW, L, PAD = 16, 24, 5, 200, 2


def make_inputs(rng: np.random.Generator, batch=2) -> dict:
    return {
        "y": np.zeros((batch, OC, L), np.float32),
        "x": rng.standard_normal((batch, IC, L)).astype(np.float32),
        "w": (rng.standard_normal((OC, IC, KW)) * 0.2).astype(np.float32),
        "b": rng.normal(0.0, 0.1, OC).astype(np.float32),
        "batch": np.int32(batch),
    }


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["x"].astype(np.float64), ((0, 0), (0, 0), (PAD, PAD)))
    w = inputs["w"].astype(np.float64)
    batch = x.shape[0]
    y = np.zeros((batch, OC, L))
    for k in range(KW):
        y += np.einsum("oc,ncl->nol", w[:, :, k], x[:, :, k:k + L])
    y += inputs["b"][None, :, None]
    return {"y": y.astype(np.float32)}
