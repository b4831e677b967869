"""Multi-scale deformable attention core: per (batch, query, head, channel) thread, bilinear samples (grid_sample align_corners=False, zero padding) over 2 levels x 4 points, weighted sum."""
import numpy as np

ORIGIN = "hand-written: Deformable-DETR style im2col kernel, __device__ bilinear helper with floorf and per-corner bounds checks, int64 spatial shapes and level starts read on device, flattened index decomposition, grid-stride loop, HIP_CHECK macro, hipLaunchKernelGGL"
ENTRY = "ms_deform_attn"
PARAMS = ["value", "spatial_shapes", "level_start", "sampling_loc", "attn_weight", "output",
          "batch", "num_value", "num_heads", "head_dim", "num_levels", "num_query", "num_points"]
OUTPUTS = ["output"]
FAMILY = "deformable_attention"
CASES = [dict(batch=2, num_value=150, num_heads=4, head_dim=16, num_levels=2, num_query=30, num_points=4)]
TOLERANCE = {"rtol": 1e-4, "atol": 1e-5}
EXTENTS = {"value": "batch * num_value * num_heads * head_dim"}

SHAPES = [(10, 12), (5, 6)]


def make_inputs(rng: np.random.Generator, batch=2, num_value=150, num_heads=4, head_dim=16,
                num_levels=2, num_query=30, num_points=4) -> dict:
    shapes = np.array(SHAPES[:num_levels], np.int64)
    starts = np.concatenate([[0], np.cumsum(shapes[:, 0] * shapes[:, 1])[:-1]]).astype(np.int64)
    assert int((shapes[:, 0] * shapes[:, 1]).sum()) == num_value
    w = rng.uniform(0.0, 1.0, (batch, num_query, num_heads, num_levels * num_points))
    w /= w.sum(axis=-1, keepdims=True)
    return {
        "value": rng.standard_normal((batch, num_value, num_heads, head_dim)).astype(np.float32),
        "spatial_shapes": shapes,
        "level_start": starts,
        "sampling_loc": rng.uniform(-0.1, 1.1, (batch, num_query, num_heads, num_levels, num_points, 2)).astype(np.float32),
        "attn_weight": w.reshape(batch, num_query, num_heads, num_levels, num_points).astype(np.float32),
        "output": np.zeros((batch, num_query, num_heads * head_dim), np.float32),
        "batch": np.int32(batch), "num_value": np.int32(num_value), "num_heads": np.int32(num_heads),
        "head_dim": np.int32(head_dim), "num_levels": np.int32(num_levels),
        "num_query": np.int32(num_query), "num_points": np.int32(num_points),
    }


def _sample(v, H, W, h, w):
    """v: [H*W, M, D]; h, w: [M] float -> [M, D] bilinear sample, zero outside."""
    M, D = v.shape[1], v.shape[2]
    out = np.zeros((M, D))
    img = v.reshape(H, W, M, D)
    for m in range(M):
        if not (h[m] > -1 and w[m] > -1 and h[m] < H and w[m] < W):
            continue
        h0, w0 = int(np.floor(h[m])), int(np.floor(w[m]))
        lh, lw = h[m] - h0, w[m] - w0
        for hh, ww, wt in ((h0, w0, (1 - lh) * (1 - lw)), (h0, w0 + 1, (1 - lh) * lw),
                           (h0 + 1, w0, lh * (1 - lw)), (h0 + 1, w0 + 1, lh * lw)):
            if 0 <= hh < H and 0 <= ww < W:
                out[m] += wt * img[hh, ww, m]
    return out


def reference(inputs: dict) -> dict:
    value = inputs["value"].astype(np.float64)
    loc = inputs["sampling_loc"].astype(np.float64)
    attn = inputs["attn_weight"].astype(np.float64)
    shapes, starts = inputs["spatial_shapes"], inputs["level_start"]
    B, Q, M, L, P, _ = loc.shape
    D = value.shape[3]
    out = np.zeros((B, Q, M, D))
    for b in range(B):
        for q in range(Q):
            for l in range(L):
                H, W = int(shapes[l, 0]), int(shapes[l, 1])
                v = value[b, starts[l]:starts[l] + H * W]
                for p in range(P):
                    # the kernel evaluates these in float32
                    h = (loc[b, q, :, l, p, 1].astype(np.float32) * np.float32(H) - np.float32(0.5)).astype(np.float64)
                    w = (loc[b, q, :, l, p, 0].astype(np.float32) * np.float32(W) - np.float32(0.5)).astype(np.float64)
                    out[b, q] += attn[b, q, :, l, p, None] * _sample(v, H, W, h, w)
    return {"output": out.reshape(B, Q, M * D).astype(np.float32)}
