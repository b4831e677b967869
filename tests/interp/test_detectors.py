"""The interpreter's checks catch planted bugs (out of bounds, races, never-written reads,
divergent barriers) and stay quiet on the clean versions of the same kernels."""
import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter

LAUNCHER = """
extern "C" void run(const float* x, float* y, int n) {
  float *dx, *dy;
  cudaMalloc((void**)&dx, n * sizeof(float));
  cudaMalloc((void**)&dy, n * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  cudaMemcpy(dy, y, n * sizeof(float), cudaMemcpyHostToDevice);
  k<<<(n + 63) / 64, 64>>>(dx, dy, n);
  cudaMemcpy(y, dy, n * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx); cudaFree(dy);
}
"""

GUARD = "__global__ void k(const float* x, float* y, int n) {{ int i = blockIdx.x * blockDim.x + threadIdx.x; if (i {op} n) y[i] = 2.0f * x[i]; }}"

REVERSE = """
__global__ void k(const float* x, float* y, int n) {
  __shared__ float s[64];
  int t = threadIdx.x, i = blockIdx.x * 64 + t;
  s[t] = i < n ? x[i] : 0.0f;
  %s
  if (i < n) y[i] = s[63 - t];
}
"""


def run(kernel_src, n=100, races=False):
    module = parse(kernel_src + LAUNCHER, "k.cu")
    x = np.random.default_rng(1).standard_normal(n).astype(np.float32)
    it = Interpreter(module, check_races=races)
    out = it.run("run", {"x": x, "y": np.zeros(n, np.float32), "n": np.int32(n)})
    return x, out["y"], it.report


def test_clean_guard_passes():
    x, y, _ = run(GUARD.format(op="<"))
    np.testing.assert_array_equal(y, 2 * x)


def test_off_by_one_guard_is_out_of_bounds_with_position():
    with pytest.raises(XpilerError) as e:
        run(GUARD.format(op="<="))
    text = e.value.render()
    assert "out-of-bounds read of 'dx'" in text and "element index 100" in text
    assert "block (1, 0, 0), thread (36, 0, 0)" in text
    assert e.value.span.line == 1


def test_missing_barrier_is_a_race():
    _, _, report = run(REVERSE % "", n=64, races=True)
    assert report.races and "race on 's'" in report.races[0]


def test_barrier_removes_the_race():
    x, y, report = run(REVERSE % "__syncthreads();", n=64, races=True)
    assert report.races == []
    np.testing.assert_array_equal(y, x[::-1])


def test_never_written_shared_memory_is_reported():
    src = """
__global__ void k(const float* x, float* y, int n) {
  __shared__ float s[128];
  int t = threadIdx.x, i = blockIdx.x * 64 + t;
  s[t] = x[i];
  __syncthreads();
  y[i] = s[t + 64];
}"""
    _, _, report = run(src, n=64)
    assert report.uninitialised and "'s'" in report.uninitialised[0]


def test_barrier_under_divergent_condition_is_an_error():
    src = """
__global__ void k(const float* x, float* y, int n) {
  int i = blockIdx.x * 64 + threadIdx.x;
  if (threadIdx.x < 32) { __syncthreads(); }
  y[i] = x[i];
}"""
    with pytest.raises(XpilerError, match="barrier reached by only some threads"):
        run(src, n=64)


def test_integer_division_by_zero_names_the_thread():
    src = "__global__ void k(const float* x, float* y, int n) { int i = threadIdx.x; y[i] = x[i] / 1.0f + (float)(n / (i - 5)); }"
    with pytest.raises(XpilerError, match=r"integer division by zero \(block \(0, 0, 0\), thread \(5, 0, 0\)\)"):
        run(src, n=64)
