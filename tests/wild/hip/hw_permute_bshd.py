"""Permute [B, S, H, D] -> [B, H, S, D] (attention head split) with float2 moves, grid-stride over the source; device-only."""
import numpy as np

ORIGIN = "hand-written: device-only extern C __global__, legacy hipGridDim_x/hipBlockDim_x macros, float2 via reinterpret_cast, grid-stride loop under a fixed small grid, index decomposition by / and %"
ENTRY = "permute_bshd_to_bhsd"
PARAMS = ["src", "dst", "B", "S", "H", "D"]
OUTPUTS = ["dst"]
FAMILY = "transpose"
CASES = [dict(B=2, S=37, H=6, D=40)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"grid": [16, 1, 1], "block": [128, 1, 1], "shared_bytes": 0}


def make_inputs(rng: np.random.Generator, B=2, S=37, H=6, D=40) -> dict:
    return {
        "src": rng.standard_normal((B, S, H, D)).astype(np.float32),
        "dst": np.zeros((B, H, S, D), np.float32),
        "B": np.int32(B), "S": np.int32(S), "H": np.int32(H), "D": np.int32(D),
    }


def reference(inputs: dict) -> dict:
    return {"dst": np.ascontiguousarray(inputs["src"].transpose(0, 2, 1, 3))}
