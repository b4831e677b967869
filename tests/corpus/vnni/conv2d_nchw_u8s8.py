"""2-D convolution NCHW, u8 input x s8 weights -> int32 exact (stride 1, valid): input repacked to [N][C/4][H][W][4], weights to words [K][C/4][R][S], 16 output columns per zmm via _mm512_dpbusd_epi32 with broadcast weight words, masked Q tail; OpenMP over (n, k, p)."""
import numpy as np

ENTRY = "conv2d_nchw_u8s8"
PARAMS = ["x", "w", "out", "N", "C", "H", "W", "K", "R", "S"]
OUTPUTS = ["out"]
FAMILY = "conv2d_nchw"
CASES = [dict(N=1, C=8, H=8, W=18, K=4, R=3, S=3), dict(N=2, C=6, H=6, W=22, K=3, R=2, S=3)]


def make_inputs(rng: np.random.Generator, N=1, C=8, H=8, W=18, K=4, R=3, S=3) -> dict:
    P, Q = H - R + 1, W - S + 1
    return dict(x=rng.integers(0, 256, size=(N, C, H, W), dtype=np.uint8),
                w=rng.integers(-128, 128, size=(K, C, R, S), dtype=np.int8),
                out=rng.integers(-2**31, 2**31 - 1, size=(N, K, P, Q), dtype=np.int32),
                N=np.int32(N), C=np.int32(C), H=np.int32(H), W=np.int32(W),
                K=np.int32(K), R=np.int32(R), S=np.int32(S))


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.int64)
    w = inputs["w"].astype(np.int64)
    K, C, R, S = w.shape
    P, Q = x.shape[2] - R + 1, x.shape[3] - S + 1
    out = np.zeros((x.shape[0], K, P, Q), np.int64)
    for r in range(R):
        for s in range(S):
            out += np.einsum("nchw,kc->nkhw", x[:, :, r:r + P, s:s + Q], w[:, :, r, s])
    return {"out": out.astype(np.int32)}
