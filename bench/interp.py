"""Interpreter speed: seconds per run and simulated scalar operations per second.

Workloads (issue 3): elementwise add over 4M floats (cuda/add_f4), GEMM 512x512x512 through
wmma tiles (cuda/gemm_wmma), conv2d NHWC 16x112x112x64 with a 5x5 window and 64 output channels
(bench/kernels/conv2d_nhwc_5x5.cu) run on a random sample of blocks (the blocks write disjoint
outputs, which the sampler checks while it runs). Scalar operations: one per add, two per
multiply-add; for a sampled run only the sampled blocks' share counts. Target: >= 20 million
scalar operations per second on the 2-core CI machine, and every corpus kernel under 10 s
(the latter is asserted by tests/interp/test_corpus_interp.py).
Each result is checked against numpy (on the elements the run owns, when sampled).

Run: python bench/interp.py
"""
from __future__ import annotations

import datetime
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from xpiler.grammar import parse_file  # noqa: E402
from xpiler.interp import Interpreter  # noqa: E402

CORPUS = ROOT / "tests" / "corpus"


def run(path, entry, inputs, sample=None):
    module = parse_file(path)
    it = Interpreter(module, sample_blocks=sample, seed=1)
    t0 = time.perf_counter()
    out = it.run(entry, inputs)
    return out, time.perf_counter() - t0, it


# the interpreter counts every scalar operation it simulates (arithmetic, loads and stores per
# active lane, 2*m*n*k per wmma mma); the "useful" count (adds, multiply-adds) is shown too


def main() -> None:
    rng = np.random.default_rng(0)
    rows = []
    n = 4 * 1024 * 1024
    a, b = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
    out, s, it = run(CORPUS / "cuda/add_f4.cu", "add_f4_kernel", {"a": a, "b": b, "c": np.zeros(n, np.float32), "n": np.int32(n)})
    assert np.array_equal(out["c"], a + b)
    rows.append(("elementwise add, 4M floats (cuda/add_f4)", n, it.report.scalar_ops, s))

    M = N = K = 512
    A = rng.standard_normal((M, K)).astype(np.float16)
    B = rng.standard_normal((K, N)).astype(np.float16)
    out, s, it = run(CORPUS / "cuda/gemm_wmma.cu", "gemm_wmma_kernel",
                    {"A": A, "B": B, "C": np.zeros((M, N), np.float32), "M": np.int32(M), "N": np.int32(N), "K": np.int32(K)})
    ref = A.astype(np.float64) @ B.astype(np.float64)
    assert np.allclose(out["C"], ref, rtol=1e-3, atol=1e-2)
    rows.append(("GEMM 512x512x512 via wmma 16x16x16 (cuda/gemm_wmma)", 2 * M * N * K, it.report.scalar_ops, s))

    Nb, H, W, C, Kc = 16, 112, 112, 64, 64
    x = rng.standard_normal((Nb, H, W, C)).astype(np.float32)
    w = rng.standard_normal((Kc, 5, 5, C)).astype(np.float32)
    total_blocks = -(-Nb * H * W * Kc // 256)
    sample = 48
    out, s, it = run(ROOT / "bench/kernels/conv2d_nhwc_5x5.cu", "conv5x5_nhwc_kernel",
                     {"x": x, "w": w, "y": np.zeros((Nb, H, W, Kc), np.float32), "N": np.int32(Nb),
                      "H": np.int32(H), "W": np.int32(W), "C": np.int32(C), "K": np.int32(Kc)}, sample)
    owned = it.owned["y"]
    idx = np.argwhere(owned)
    xp = np.pad(x, ((0, 0), (2, 2), (2, 2), (0, 0))).astype(np.float64)
    for (nn, p, q, k) in idx[:: max(1, len(idx) // 200)]:
        want = (xp[nn, p:p + 5, q:q + 5, :] * w[k]).sum()
        assert abs(out["y"][nn, p, q, k] - want) <= 1e-3 * max(1.0, abs(want)), (nn, p, q, k)
    ops = 2 * owned.sum() * 25 * C          # interior elements; borders do fewer (upper bound)
    rows.append((f"conv2d NHWC 16x112x112x64, 5x5, 64 filters ({sample} of {total_blocks} blocks, sampled)",
                 int(ops), it.report.scalar_ops, s))

    print(f"# bench/interp.py — {datetime.date.today()} — {platform.node()} ({os.cpu_count()} cpus, "
          f"Python {platform.python_version()}, numpy {np.__version__})\n")
    print("| workload | useful ops | simulated scalar ops | seconds | simulated ops/s | vs 20M ops/s target |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, useful, ops, secs in rows:
        print(f"| {name} | {useful:,} | {ops:,} | {secs:.2f} | {ops / secs:,.0f} | {ops / secs / 20e6:.2f}x |")


if __name__ == "__main__":
    main()
