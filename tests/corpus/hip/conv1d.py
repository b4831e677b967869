"""Conv1d NCL, #define CIN=8, KS=5, DIL=2, PAD=4 ("same"), runtime batch/cout/L, LDS input window with zero halo + filter per block, 128-output tiles (L tail guarded), <<<dim3>>> launch.
Traced: batch=2, cout=6, L=300, y[1, 5, 299]: block (2, 5, 1), t0=256, tid=43; xs[ci][p] = x[1,ci,252+p] (p>=48 -> 0), taps p=43+2k -> x[t-4+2k], k=0..4 (k>=3 past L -> 0)."""
import numpy as np

ENTRY = "conv1d_ncl_kernel"
PARAMS = ["x", "w", "bias", "y", "batch", "cout", "L"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
CIN, KS, DIL, PAD = 8, 5, 2, 4
CASES = [dict(batch=2, cout=6, L=300), dict(batch=1, cout=3, L=17)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def make_inputs(rng: np.random.Generator, batch=2, cout=6, L=300) -> dict:
    return {
        "x": rng.standard_normal((batch, CIN, L)).astype(np.float32),
        "w": rng.standard_normal((cout, CIN, KS)).astype(np.float32),
        "bias": rng.standard_normal(cout).astype(np.float32),
        "y": rng.standard_normal((batch, cout, L)).astype(np.float32),
        "batch": np.int32(batch), "cout": np.int32(cout), "L": np.int32(L),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64); w = inputs["w"].astype(np.float64)
    L = x.shape[2]
    xp = np.pad(x, ((0, 0), (0, 0), (PAD, PAD)))
    y = np.zeros((x.shape[0], w.shape[0], L)) + inputs["bias"].astype(np.float64)[None, :, None]
    for k in range(KS):
        y += np.einsum("oc,bct->bot", w[:, :, k], xp[:, :, k * DIL:k * DIL + L])
    return {"y": y.astype(np.float32)}
