"""Channel concat of NCHW [2,24,19,23] and [2,40,19,23] -> [2,64,19,23]; 4 cores per (image, input) block copy 4000-float pieces through NRAM; Union4 with a literal 16-task decomposition."""
import numpy as np

ORIGIN = "hand-written: device-only, #define shapes, taskId/4 and taskId%4 decomposition assuming 16 tasks, __mlu_func__ helper, NRAM staged copy loop with tail"
ENTRY = "concat_channels"
PARAMS = ["x1", "x2", "y"]
OUTPUTS = ["y"]
FAMILY = "concat"
CASES = [{}]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}
LAUNCH = {"union": 4, "tasks": 16}

N, C1, C2, H, W = 2, 24, 40, 19, 23


def make_inputs(rng: np.random.Generator) -> dict:
    return {"x1": rng.standard_normal((N, C1, H, W)).astype(np.float32),
            "x2": rng.standard_normal((N, C2, H, W)).astype(np.float32),
            "y": np.zeros((N, C1 + C2, H, W), np.float32)}


def reference(inputs: dict) -> dict:
    return {"y": np.concatenate([inputs["x1"], inputs["x2"]], axis=1)}
