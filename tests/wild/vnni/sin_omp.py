"""y = amp*sin(freq*x+phase) over n floats; std::sin, OpenMP parallel for schedule(static), float scalar parameters."""
import numpy as np

ORIGIN = "hand-written: OpenMP parallel for schedule(static), std::sin, float scalar parameters"
ENTRY = "sin_wave"
PARAMS = ["y", "x", "amp", "freq", "phase", "n"]
OUTPUTS = ["y"]
FAMILY = "elementwise"
CASES = [dict(n=2000), dict(n=777)]
TOLERANCE = {"rtol": 1e-4, "atol": 2e-5}


def make_inputs(rng: np.random.Generator, n=2000) -> dict:
    return {
        "y": np.zeros(n, np.float32),
        "x": rng.uniform(-6.0, 6.0, n).astype(np.float32),
        "amp": np.float32(1.5),
        "freq": np.float32(0.75),
        "phase": np.float32(0.3),
        "n": np.int32(n),
    }


def reference(inputs: dict) -> dict:
    x = inputs["x"]
    arg = (np.float32(inputs["freq"]) * x + np.float32(inputs["phase"])).astype(np.float32)
    return {"y": (np.float32(inputs["amp"]) * np.sin(arg.astype(np.float64))).astype(np.float32)}
