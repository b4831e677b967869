"""BANG output: the threads of a CUDA block (nested parallel loops of the canonical form) are
serial loops marked `#pragma omp simd` (independent iterations), which the interpreter runs as
lanes; the mark is kept only where it is true of the printed loop (emit/bang.py device_code,
emit/bang_memory.py hoist, emit/private_decls.py)."""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.pipeline import translate

LAUNCHER = """
extern "C" void {name}_kernel(const float* a, float* b, int n) {{
  float *da, *db;
  cudaMalloc((void**)&da, n * sizeof(float));
  cudaMalloc((void**)&db, n * sizeof(float));
  cudaMemcpy(da, a, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemset(db, 0, n * sizeof(float));
  {name}<<<(n + 63) / 64, 64>>>(da, db, n);
  cudaMemcpy(b, db, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(da); cudaFree(db);
}}
"""

# a float2 temporary declared before the barrier and used after it: the lifter leaves its
# declaration between the two thread loops; BANG keeps vectors as arrays (memory)
MIRROR = """#include <cuda_runtime.h>
__global__ void mirror(const float* a, float* b, int n) {
  __shared__ float s[64];
  float2 t;
  int i = blockIdx.x * 64 + threadIdx.x;
  s[threadIdx.x] = i < n ? a[i] : 0.f;
  __syncthreads();
  t.x = s[threadIdx.x];
  t.y = s[63 - threadIdx.x];
  if (i < n) b[i] = t.x * 2.f + t.y;
}
""" + LAUNCHER.format(name="mirror")

# a per-thread array larger than what stays in the loop (PRIVATE_BYTES): it moves to kernel scope
WIDE = """#include <cuda_runtime.h>
__global__ void wide(const float* a, float* b, int n) {
  int i = blockIdx.x * 64 + threadIdx.x;
  float w[96];
  for (int k = 0; k < 96; k++) w[k] = (i + k < n) ? a[i + k] : 0.f;
  float s = 0.f;
  for (int k = 0; k < 96; k++) s += w[k] * (float)(k % 3);
  if (i < n) b[i] = s;
}
""" + LAUNCHER.format(name="wide")

# atomics: one iteration's update reads another's
HISTOGRAM = """#include <cuda_runtime.h>
__global__ void hist(const float* a, float* b, int n) {
  int i = blockIdx.x * 64 + threadIdx.x;
  if (i < n) atomicAdd(&b[((int)(a[i] * 8.f)) & 7], 1.f);
}
""" + LAUNCHER.format(name="hist")


def _translate(tmp_path: Path, name: str, text: str):
    src = tmp_path / f"{name}.cu"
    src.write_text(text)
    return translate(src, "bang", examples=3)


def _thread_loops(text: str) -> list[str]:
    """The header line before each thread loop of the output."""
    lines = text.splitlines()
    return [lines[i - 1].strip() for i, line in enumerate(lines) if line.strip().startswith("for (int __t = 0;")]


def test_thread_loops_are_independent_and_a_temporary_moves_into_its_loop(tmp_path):
    result = _translate(tmp_path, "mirror", MIRROR)
    assert result.verified, "\n".join(c.line() for c in result.checks)
    loops = _thread_loops(result.text)
    assert len(loops) == 2 and all(p == "#pragma omp simd" for p in loops), loops
    # the float2 is one array per iteration of the second loop, not one shared by the task
    assert re.search(r"#pragma omp simd\n\s*for \(int __t = 0;[^}]*\{\n\s*float t\[2\];", result.text), result.text
    module = parse(result.text, "mirror.mlu", "bang")
    rng = np.random.default_rng(3)
    n = 200                                      # four blocks of 64, the last one partial
    a = rng.standard_normal(n).astype(np.float32)
    got = Interpreter(module).run("mirror_kernel", {"a": a.copy(), "b": np.zeros(n, np.float32), "n": np.int32(n)})
    padded = np.concatenate([a, np.zeros(256 - n, np.float32)]).reshape(4, 64)
    want = (2 * padded + padded[:, ::-1]).reshape(-1)[:n]
    np.testing.assert_allclose(got["b"], want, rtol=1e-6)


def test_a_per_thread_array_moved_to_kernel_scope_takes_the_mark_away(tmp_path):
    result = _translate(tmp_path, "wide", WIDE)
    assert result.verified, "\n".join(c.line() for c in result.checks)
    assert "#pragma omp simd" not in result.text and re.search(r"float w\w*\[\d+\]", result.text)


def test_a_thread_loop_with_atomic_updates_is_not_marked(tmp_path):
    result = _translate(tmp_path, "hist", HISTOGRAM)
    assert result.verified, "\n".join(c.line() for c in result.checks)
    assert "__bang_atomic" in result.text and "#pragma omp simd" not in result.text
