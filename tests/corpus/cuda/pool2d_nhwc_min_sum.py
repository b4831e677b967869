"""Min and sum pooling, NHWC fp32, runtime K x K window and stride S, no padding (P = (H-K)/S + 1); one thread per output (n, p, q, c), channels fastest for coalescing, grid-stride loop (at most 64 blocks), fminf and a sum per window in one pass, __ldg.
Traced: N=2, H=11, W=9, C=5, K=3, S=2 -> P=5, Q=4, 200 outputs in one block: output (n=1, p=3, q=2, c=4) is i = 1*100 + 3*20 + 2*5 + 4 = 174 -> block 0, thread 174; window rows 6..8, cols 4..6 of channel 4."""
import numpy as np

ENTRY = "pool2d_nhwc_min_sum_kernel"
PARAMS = ["x", "ymin", "ysum", "N", "H", "W", "C", "K", "S"]
OUTPUTS = ["ymin", "ysum"]
FAMILY = "pooling"
CASES = [dict(N=2, H=11, W=9, C=5, K=3, S=2), dict(N=2, H=32, W=32, C=16, K=2, S=2),
         dict(N=1, H=4, W=7, C=3, K=4, S=1)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def _out(H, W, K, S):
    return (H - K) // S + 1, (W - K) // S + 1


def make_inputs(rng: np.random.Generator, N=2, H=11, W=9, C=5, K=3, S=2) -> dict:
    P, Q = _out(H, W, K, S)
    return {
        "x": (rng.standard_normal((N, H, W, C)) * 3.0 + 1.0).astype(np.float32),
        "ymin": rng.standard_normal((N, P, Q, C)).astype(np.float32),  # garbage, fully overwritten
        "ysum": rng.standard_normal((N, P, Q, C)).astype(np.float32),
        "N": np.int32(N), "H": np.int32(H), "W": np.int32(W), "C": np.int32(C),
        "K": np.int32(K), "S": np.int32(S),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"].astype(np.float64)
    K, S = int(inputs["K"]), int(inputs["S"])
    N, H, W, C = x.shape
    P, Q = _out(H, W, K, S)
    win = np.stack([x[:, r: r + S * (P - 1) + 1: S, s: s + S * (Q - 1) + 1: S, :]
                    for r in range(K) for s in range(K)], axis=0)        # K*K N P Q C
    return {"ymin": win.min(axis=0).astype(np.float32), "ysum": win.sum(axis=0).astype(np.float32)}
