"""Concat along the last dim of int16 a[rows][CA] and b[rows][CB] (runtime widths, CA+CB <= 8192); rows assembled in NRAM by two 2-D __memcpy with destination pitch CA+CB, one 1-D store per chunk; Block tasks stride over chunks."""
import numpy as np

ENTRY = "concat_lastdim_kernel"
PARAMS = ["a", "b", "out", "rows", "CA", "CB"]
OUTPUTS = ["out"]
FAMILY = "concat"
CASES = [dict(rows=300, CA=37, CB=90), dict(rows=5, CA=1, CB=3), dict(rows=1000, CA=64, CB=16)]


def make_inputs(rng: np.random.Generator, rows=300, CA=37, CB=90) -> dict:
    return {
        "a": rng.integers(-32768, 32767, (rows, CA), dtype=np.int16, endpoint=True),
        "b": rng.integers(-32768, 32767, (rows, CB), dtype=np.int16, endpoint=True),
        "out": rng.integers(-32768, 32767, (rows, CA + CB), dtype=np.int16, endpoint=True),
        "rows": np.int32(rows),
        "CA": np.int32(CA),
        "CB": np.int32(CB),
    }


def reference(inputs: dict) -> dict:
    return {"out": np.concatenate([inputs["a"], inputs["b"]], axis=1)}
