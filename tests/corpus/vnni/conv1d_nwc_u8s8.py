"""1-D convolution NWC, u8 input x s8 weights -> int32 exact (stride 1, valid): weights reordered to VNNI [KW][C/4][CO][4], 4 input channels packed per word and broadcast into _mm512_dpbusd_epi32, 32 output channels per step with masked co tail."""
import numpy as np

ENTRY = "conv1d_nwc_u8s8"
PARAMS = ["x", "w", "out", "N", "L", "C", "CO", "KW"]
OUTPUTS = ["out"]
FAMILY = "conv1d"
CASES = [dict(N=2, L=24, C=16, CO=32, KW=3), dict(N=1, L=19, C=7, CO=20, KW=5)]


def make_inputs(rng: np.random.Generator, N=2, L=24, C=16, CO=32, KW=3) -> dict:
    L_out = L - KW + 1
    return dict(x=rng.integers(0, 256, size=(N, L, C), dtype=np.uint8),
                w=rng.integers(-128, 128, size=(CO, KW, C), dtype=np.int8),
                out=rng.integers(-2**31, 2**31 - 1, size=(N, L_out, CO), dtype=np.int32),
                N=np.int32(N), L=np.int32(L), C=np.int32(C), CO=np.int32(CO), KW=np.int32(KW))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.int64)
    w = inputs["w"].astype(np.int64)
    KW = w.shape[1]
    L_out = x.shape[1] - KW + 1
    out = sum(np.einsum("nlc,okc->nlo", x[:, kw:kw + L_out], w[:, kw:kw + 1]) for kw in range(KW))
    return {"out": out.astype(np.int32)}   # |sum| <= 255*128*KW*C < 2**31
