"""1-D convolution NCL fp32, KW=5 taps, runtime stride and zero padding, bias; blocks of 128 output positions x 4 output channels x one batch item (blockIdx.z), the block's 4 x Cin x 5 weights staged in dynamic shared memory (zero past Cout), 4 register accumulators per thread.
Traced: N=2, Cin=6, L=300, Cout=10, stride=2, pad=2 -> Lout=150: y[1,9,140] -> block (x=1, y=2, z=1), thread 12, acc[1] (co0=8); its taps read x[1, ci, 278..282]; channels 10, 11 of that block are zero weights and not stored; y[0,3,0] reads taps -2..2 (two padded)."""
import numpy as np

ENTRY = "conv1d_ncl_kernel"
PARAMS = ["x", "w", "b", "y", "N", "Cin", "L", "Cout", "stride", "pad"]
OUTPUTS = ["y"]
FAMILY = "conv1d"
KW = 5
CASES = [dict(N=2, Cin=6, L=300, Cout=10, stride=2, pad=2), dict(N=1, Cin=16, L=256, Cout=8, stride=1, pad=0),
         dict(N=3, Cin=3, L=7, Cout=5, stride=3, pad=1)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-4}


def _lout(L, stride, pad):
    return (L + 2 * pad - KW) // stride + 1


def make_inputs(rng: np.random.Generator, N=2, Cin=6, L=300, Cout=10, stride=2, pad=2) -> dict:
    Lout = _lout(L, stride, pad)
    return {
        "x": rng.standard_normal((N, Cin, L)).astype(np.float32),
        "w": (rng.standard_normal((Cout, Cin, KW)) / np.sqrt(Cin * KW)).astype(np.float32),
        "b": rng.standard_normal(Cout).astype(np.float32),
        "y": rng.standard_normal((N, Cout, Lout)).astype(np.float32),  # garbage, fully overwritten
        "N": np.int32(N), "Cin": np.int32(Cin), "L": np.int32(L), "Cout": np.int32(Cout),
        "stride": np.int32(stride), "pad": np.int32(pad),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    w = inputs["w"].astype(np.float64)
    stride, pad = int(inputs["stride"]), int(inputs["pad"])
    N, Cin, L = x.shape
    Lout = _lout(L, stride, pad)
    xp = np.pad(x, ((0, 0), (0, 0), (pad, pad)))
    cols = np.stack([xp[:, :, k: k + stride * (Lout - 1) + 1: stride] for k in range(KW)], axis=-1)  # N Cin Lout KW
    y = np.einsum("nclk,ock->nol", cols, w) + inputs["b"].astype(np.float64)[None, :, None]
    return {"y": y.astype(np.float32)}
