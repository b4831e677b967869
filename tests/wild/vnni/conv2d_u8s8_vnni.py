"""int8 conv2d NHWC, u8 activations (IC 32 fixed by #define) x s8 HWIO 3x3 weights, 'same' padding,
stride 1, int32 bias and output; AVX-512 VNNI _mm512_dpbusd_epi32 over repacked weights, masked bias
load and masked store for OC not a multiple of 16."""
import numpy as np

ORIGIN = "hand-written: AVX-512 VNNI (_mm512_dpbusd_epi32), #define channel count, std::vector weight repack, masked epi32 load/store"
ENTRY = "qconv3x3_nhwc"
PARAMS = ["out", "in", "w", "bias", "H", "W", "OC"]
OUTPUTS = ["out"]
FAMILY = "conv2d_nhwc"
CASES = [dict(H=13, W=13, OC=40), dict(H=7, W=13, OC=16)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}

IC, K = 32, 3


def make_inputs(rng: np.random.Generator, H=13, W=13, OC=40) -> dict:
    return {
        "out": np.zeros((H, W, OC), np.int32),
        "in": rng.integers(0, 256, (H, W, IC), dtype=np.uint8),
        "w": rng.integers(-128, 128, (K, K, IC, OC), dtype=np.int8),
        "bias": rng.integers(-50000, 50000, OC, dtype=np.int32),
        "H": np.int32(H), "W": np.int32(W), "OC": np.int32(OC),
    }


def reference(inputs: dict) -> dict:
    x = np.pad(inputs["in"].astype(np.int64), ((1, 1), (1, 1), (0, 0)))
    w = inputs["w"].astype(np.int64)
    H, W = inputs["in"].shape[:2]
    y = np.zeros((H, W, w.shape[3]), np.int64) + inputs["bias"]
    for kh in range(K):
        for kw in range(K):
            y += np.einsum("hwc,co->hwo", x[kh:kh + H, kw:kw + W], w[kh, kw])
    return {"out": y.astype(np.int32)}
