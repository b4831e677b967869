"""Max pooling 3x3 stride 2 (valid) on float32 NHWC; channels by 16 with -inf-filled masked loads (_mm512_mask_loadu_ps) and masked stores, OpenMP collapse(2)."""
import numpy as np

ENTRY = "maxpool2d_nhwc_f32"
PARAMS = ["src", "dst", "N", "H", "W", "C"]
OUTPUTS = ["dst"]
FAMILY = "pooling"
CASES = [dict(N=2, H=16, W=16, C=35), dict(N=1, H=9, W=12, C=64), dict(N=1, H=5, W=5, C=3)]
# elements the caller passes where the kernel cannot tell (gathers, unread tails, a
# precondition among sizes): what a user states with `xpiler translate --extent NAME=EXPR`
EXTENTS = {"src": "N * H * W * C"}
TOLERANCE = {"rtol": 0.0, "atol": 0.0}   # max is exact

K, S = 3, 2


def make_inputs(rng: np.random.Generator, N=2, H=16, W=16, C=35) -> dict:
    OH, OW = (H - K) // S + 1, (W - K) // S + 1
    return dict(src=(rng.standard_normal((N, H, W, C)) - 1.0).astype(np.float32),
                dst=rng.standard_normal((N, OH, OW, C)).astype(np.float32),
                N=np.int32(N), H=np.int32(H), W=np.int32(W), C=np.int32(C))


def reference(inputs: dict) -> dict:
    src = inputs["src"]
    N, H, W, C = src.shape
    OH, OW = (H - K) // S + 1, (W - K) // S + 1
    out = np.full((N, OH, OW, C), -np.inf, np.float32)
    for kh in range(K):
        for kw in range(K):
            out = np.maximum(out, src[:, kh:kh + S * (OH - 1) + 1:S, kw:kw + S * (OW - 1) + 1:S, :])
    return {"dst": out}
