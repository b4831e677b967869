"""Scatter-add of rows out[idx[i]] += src[i] (out read and updated) and counts[idx[i]] += 1 (counts zeroed by the launcher with hipMemset), duplicates via float / int32 atomicAdd, negative index skipped; blockDim (64, 4), one wavefront per source row, hipLaunchKernelGGL.
Traced: num=45, num_out=13, D=100, out[idx[44], 99]: block 11, threadIdx.y 0 (row 44), lane 35 covers cols 35 and 99 -> atomicAdd(&out[idx[44]*100+99], src[44, 99]); lane 0 adds 1 to counts[idx[44]]."""
import numpy as np

ENTRY = "scatter_add_rows_kernel"
PARAMS = ["src", "idx", "out", "counts", "num", "num_out", "D"]
OUTPUTS = ["out", "counts"]
FAMILY = "scatter"
CASES = [dict(num=45, num_out=13, D=100), dict(num=64, num_out=7, D=64)]
TOLERANCE = {"rtol": 1e-5, "atol": 1e-5}


def make_inputs(rng: np.random.Generator, num=45, num_out=13, D=100) -> dict:
    idx = rng.integers(-1, num_out, num).astype(np.int32)   # many duplicates, some -1 (skipped)
    idx[0] = idx[-1] = num_out - 1                          # a guaranteed duplicate
    return {
        "src": rng.standard_normal((num, D)).astype(np.float32),
        "idx": idx,
        "out": rng.standard_normal((num_out, D)).astype(np.float32),
        "counts": rng.integers(-5, 5, num_out).astype(np.int32),   # overwritten (hipMemset 0) by the launcher
        "num": np.int32(num), "num_out": np.int32(num_out), "D": np.int32(D),
    }


def reference(inputs: dict) -> dict:
    out = inputs["out"].astype(np.float64).copy()
    counts = np.zeros(int(inputs["num_out"]), np.int64)
    for i, dst in enumerate(inputs["idx"]):
        if dst >= 0:
            out[dst] += inputs["src"][i].astype(np.float64)
            counts[dst] += 1
    return {"out": out.astype(np.float32), "counts": counts.astype(np.int32)}
