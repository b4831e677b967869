"""Max pooling 3x3 stride 2 on NHWC [2,57,57,32] -> [2,28,28,32]; one (image, output row) per step, __bang_maxpool on the 3 staged input rows; Union4."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes with derived HO/WO, clusterId*coreDim+coreId over clusterDim*coreDim, __bang_maxpool"
ENTRY = "maxpool_nhwc"
PARAMS = ["x", "y"]
OUTPUTS = ["y"]
FAMILY = "pooling"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}

N, H, W, C, K, S = 2, 57, 57, 32, 3, 2
HO, WO = (H - K) // S + 1, (W - K) // S + 1


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x": rng.standard_normal((N, H, W, C)).astype(np.float32),
            "y": np.zeros((N, HO, WO, C), np.float32)}


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    y = np.full((N, HO, WO, C), -np.inf, np.float32)
    for i in range(K):
        for j in range(K):
            y = np.maximum(y, x[:, i:i + S * HO:S, j:j + S * WO:S, :])
    return {"y": y.astype(np.float32)}
