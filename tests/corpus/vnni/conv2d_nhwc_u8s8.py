"""int8 conv2d NHWC, u8 src x s8 weights [3][3][20][24] + int32 bias -> int32, stride 1 pad 1; weights reordered to VNNI [tap][IC/4][OC][4], _mm512_dpbusds_epi32, masked 8-channel OC tail (exact)."""
import numpy as np

ENTRY = "conv2d_nhwc_u8s8_s32"
PARAMS = ["src", "wei", "bias", "dst", "N", "H", "W"]
OUTPUTS = ["dst"]
FAMILY = "conv2d_nhwc"
CASES = [dict(N=1, H=16, W=16), dict(N=2, H=7, W=9)]

IC, OC, KH, KW, PAD = 20, 24, 3, 3, 1


def make_inputs(rng: np.random.Generator, N=1, H=16, W=16) -> dict:
    return dict(src=rng.integers(0, 256, size=(N, H, W, IC), dtype=np.uint8),
                wei=rng.integers(-128, 128, size=(KH, KW, IC, OC), dtype=np.int8),
                bias=rng.integers(-100000, 100000, size=OC, dtype=np.int32),
                dst=rng.integers(-2**31, 2**31 - 1, size=(N, H, W, OC), dtype=np.int32),
                N=np.int32(N), H=np.int32(H), W=np.int32(W))


def reference(inputs: dict) -> dict:
    src = inputs["src"].astype(np.int64)
    wei = inputs["wei"].astype(np.int64)
    N, H, W, _ = src.shape
    padded = np.zeros((N, H + 2 * PAD, W + 2 * PAD, IC), np.int64)
    padded[:, PAD:PAD + H, PAD:PAD + W, :] = src
    out = np.broadcast_to(inputs["bias"].astype(np.int64), (N, H, W, OC)).copy()
    for kh in range(KH):
        for kw in range(KW):
            out += np.einsum("nhwc,co->nhwo", padded[:, kh:kh + H, kw:kw + W, :], wei[kh, kw])
    return {"dst": out.astype(np.int32)}     # |sum| < 2**31: saturation never triggers
