"""Min and sum pooling 3x3 stride 2 padding 1 on float32 NHWC in one pass (padding taps skipped): channels by 16, +inf-filled _mm512_mask_loadu_ps for the min, _mm512_maskz_loadu_ps for the sum, masked stores; OpenMP collapse(2)."""
import numpy as np

ENTRY = "pool2d_min_sum_nhwc_f32"
PARAMS = ["src", "dmin", "dsum", "N", "H", "W", "C"]
OUTPUTS = ["dmin", "dsum"]
FAMILY = "pooling"
CASES = [dict(N=2, H=8, W=8, C=32), dict(N=1, H=9, W=7, C=21)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}   # min exact; sums of <= 9 float32 values

K, S, P = 3, 2, 1


def make_inputs(rng: np.random.Generator, N=2, H=8, W=8, C=32) -> dict:
    OH, OW = (H + 2 * P - K) // S + 1, (W + 2 * P - K) // S + 1
    return dict(src=(rng.standard_normal((N, H, W, C)) + 1.0).astype(np.float32),   # mostly positive: min != 0
                dmin=rng.standard_normal((N, OH, OW, C)).astype(np.float32),
                dsum=rng.standard_normal((N, OH, OW, C)).astype(np.float32),
                N=np.int32(N), H=np.int32(H), W=np.int32(W), C=np.int32(C))


def reference(inputs: dict) -> dict:
    x = inputs["src"].astype(np.float64)
    N, H, W, C = x.shape
    OH, OW = (H + 2 * P - K) // S + 1, (W + 2 * P - K) // S + 1
    xmin = np.pad(x, ((0, 0), (P, P), (P, P), (0, 0)), constant_values=np.inf)
    xsum = np.pad(x, ((0, 0), (P, P), (P, P), (0, 0)), constant_values=0.0)
    dmin = np.full((N, OH, OW, C), np.inf)
    dsum = np.zeros((N, OH, OW, C))
    for kh in range(K):
        for kw in range(K):
            dmin = np.minimum(dmin, xmin[:, kh:kh + S * OH:S, kw:kw + S * OW:S])
            dsum = dsum + xsum[:, kh:kh + S * OH:S, kw:kw + S * OW:S]
    return {"dmin": dmin.astype(np.float32), "dsum": dsum.astype(np.float32)}
