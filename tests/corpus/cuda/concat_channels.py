"""Channel concat of NCHW tensors out = [a, b] along dim 1 (fp32), flat grid-stride loop (grid capped at 24 blocks) with per-element source select.
Traced: N=3,C1=5,C2=3,HW=63 (total 1512): out[2,6,10] = b[2,1,10] -> flat 2*504+6*63+10 = 1396 -> block 5, thread 116, first trip (grid = 6 blocks)."""
import numpy as np

ENTRY = "concat_channels_kernel"
PARAMS = ["a", "b", "out", "N", "C1", "C2", "HW"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(N=3, C1=5, C2=3, HW=63), dict(N=2, C1=16, C2=48, HW=100), dict(N=1, C1=1, C2=2, HW=5)]
TOLERANCE = {"rtol": 0.0, "atol": 0.0}  # pure data movement: bit-exact


def make_inputs(rng: np.random.Generator, N=3, C1=5, C2=3, HW=63) -> dict:
    return {
        "a": rng.standard_normal((N, C1, HW)).astype(np.float32),
        "b": rng.standard_normal((N, C2, HW)).astype(np.float32),
        "out": rng.standard_normal((N, C1 + C2, HW)).astype(np.float32),
        "N": np.int32(N), "C1": np.int32(C1), "C2": np.int32(C2), "HW": np.int32(HW),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"]], axis=1)}
