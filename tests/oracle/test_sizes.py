"""Sizes from the kernel itself (fixed-shape kernels) and examples that cross tiles.

A fixed-shape kernel faults at random sizes; translation must find the sizes it was written for
(from its literals and the launcher's allocations), test there, and name them in the header. A
block-offset bug that only shows from the second tile on must be caught by `xpiler check` and by
the translation's own differential test."""
import re
import subprocess
import sys

import numpy as np
import pytest

from xpiler.oracle.differential import load_program
from xpiler.oracle.sizes import shape_literals, tile_constants, written_for
from xpiler.pipeline import translate
from xpiler.testing import find_counterexample
from tests.corpus_support import CORPUS

# the launcher takes sizes, the body hard-codes a 5 x 72 matrix, one thread per row
FIXED_ROWS_CU = """
__global__ void __launch_bounds__(8) rowscale(float* __restrict__ X, float* __restrict__ Y) {
  if (threadIdx.x < 5) {
    int base = threadIdx.x * 72;
    float m = 0.f;
    for (int k = 0; k < 72; ++k) m = fmaxf(m, fabsf(X[base + k]));
    for (int k = 0; k < 72; ++k) Y[base + k] = X[base + k] / (m + 1e-6f);
  }
}
extern "C" void rowscale_kernel(float* X, float* Y, int rows, int cols) {
  float *dX, *dY;
  size_t bytes = (size_t)rows * cols * sizeof(float);
  cudaMalloc(&dX, bytes); cudaMalloc(&dY, bytes);
  cudaMemcpy(dX, X, bytes, cudaMemcpyHostToDevice);
  rowscale<<<1, 8>>>(dX, dY);
  cudaMemcpy(Y, dY, bytes, cudaMemcpyDeviceToHost);
  cudaFree(dX); cudaFree(dY);
}
"""

# BANG with a host launcher whose size parameter is a byte count the body ignores
FIXED_BANG = """
#include <bang.h>
#include <cnrt.h>
#define LEN 333
__mlu_global__ void twice(float* x, float* y) {
  __nram__ float b[LEN];
  if (taskId == 0) {
    __memcpy(b, x, LEN * sizeof(float), GDRAM2NRAM);
    __bang_mul_scalar(b, b, 2.0f, LEN);
    __memcpy(y, b, LEN * sizeof(float), NRAM2GDRAM);
  }
}
extern "C" void twice_kernel(float* x, float* y, int nbytes) {
  cnrtQueue_t q; cnrtQueueCreate(&q);
  float *dx, *dy;
  cnrtMalloc((void**)&dx, nbytes); cnrtMalloc((void**)&dy, nbytes);
  cnrtMemcpy(dx, x, nbytes, cnrtMemcpyHostToDev);
  cnrtDim3_t dim = {4, 1, 1};
  twice<<<dim, cnrtFuncTypeUnion1, q>>>(dx, dy);
  cnrtQueueSync(q);
  cnrtMemcpy(y, dy, nbytes, cnrtMemcpyDevToHost);
  cnrtFree(dx); cnrtFree(dy); cnrtQueueDestroy(q);
}
"""


def test_sizes_in_no_literal_are_solved_from_the_allocations():
    """A TVM sum pool written for 1 x 11 x 17 x 6 (NHWC, 2x2 valid window): 11 and 17 are in no
    literal, and the pool's literals only give allocations too large for the output, which the
    launcher copies back whole (never-written memory: not a valid point). The allocations are
    solved exactly first, over the literals and then over the divisors of the touched bytes."""
    from xpiler import ir
    from xpiler.types import I32
    v = {n: ir.Var(n, I32) for n in "nhwc"}
    mul = lambda *xs: xs[0] if len(xs) == 1 else ir.Binary("*", xs[0], mul(*xs[1:]), I32)
    minus1 = lambda x: ir.Binary("-", x, ir.Const(1, I32, "1"), I32)
    four = ir.Const(4, I32, "4")
    allocations = {"dX": mul(four, v["n"], v["h"], v["w"], v["c"]),
                   "dY": mul(four, v["n"], minus1(v["h"]), minus1(v["w"]), v["c"])}
    size = lambda p, k: 4 * p["n"] * p["c"] * (p["h"] * p["w"] if k == "dX" else (p["h"] - 1) * (p["w"] - 1))
    footprint = lambda p: {"dX": (size(p, "dX"), 4488), "dY": (size(p, "dY"), 3840)}
    valid = lambda p: size(p, "dY") == 3840 and size(p, "dX") >= 4488
    point = written_for(list("nhwc"), [2, 4, 6, 8, 16, 96, 102, 160], valid, None, footprint, allocations)
    assert point is not None and valid(point), point


def test_literal_pools():
    prog = load_program_text(FIXED_ROWS_CU, "rows.cu")
    assert {5, 8, 72} <= set(shape_literals(prog.module))
    assert 8 in tile_constants(prog.module)          # the launch's block size


def load_program_text(text, name, tmp=[]):
    import tempfile
    from pathlib import Path
    d = Path(tempfile.mkdtemp())
    (d / name).write_text(text)
    return load_program(d / name)


@pytest.mark.parametrize("text,name,fits", [
    # the launcher copies back rows*cols elements: only 5 x 72 (or 72 x 5) is defined
    (FIXED_ROWS_CU, "rows.cu", lambda p: p["rows"] * p["cols"] == 360),
    # a byte count the kernel's 333 floats fit in (it copies back only what it allocated)
    (FIXED_BANG, "twice.mlu", lambda p: p["nbytes"] == 333 * 4),
])
def test_fixed_shape_translation_tests_the_sizes_it_was_written_for(tmp_path, text, name, fits):
    src = tmp_path / name
    src.write_text(text)
    result = translate(src, "vnni", examples=3)
    assert result.verified, result.header()
    diff = next(c for c in result.checks if c.name.startswith("interpreter"))
    assert "sizes the kernel was written for" in diff.detail, diff.detail
    tested = diff.detail.split(": ", 1)[1]
    points = [dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", part)) for part in tested.split(";")]
    assert points and all(fits(p) for p in points), diff.detail


def test_written_for_bisects_without_allocation_facts():
    # a toy validity predicate: rows*cols must hold at least 360 elements
    valid = lambda p: p["rows"] * p["cols"] >= 360
    point = written_for(["rows", "cols"], [5, 8, 72], valid)
    assert valid(point) and point == {"rows": 5, "cols": 72}


def test_nothing_derivable_names_parameters_and_a_size(tmp_path):
    src = tmp_path / "odd.cu"
    # needs exactly rows*cols == 4097 elements: no product of its literals gives that
    src.write_text(FIXED_ROWS_CU.replace("threadIdx.x < 5", "threadIdx.x < 1").replace("72", "4097"))
    result = translate(src, "vnni", examples=2)
    diff = next(c for c in result.checks if c.name.startswith("interpreter"))
    if diff.status == "skip":
        assert "--size rows=" in diff.detail and "--size cols=" in diff.detail
        assert not result.verified
    else:                                        # found one (4097 x 1): then it must be verified
        assert result.verified and "rows=" in diff.detail


def test_cli_run_fixed_shape(tmp_path):
    src = tmp_path / "rows.cu"
    src.write_text(FIXED_ROWS_CU)
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "run", src], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"rows=(5, cols=72|72, cols=5)", proc.stdout) and "Y: float32[360]" in proc.stdout


def _planted(tmp_path):
    """The verified CUDA translation of the tiled GEMM, with a block-offset bug planted: the column
    offset of every block after the first is off by one."""
    result = translate(CORPUS / "cuda/gemm_tiled.cu", "cuda", examples=2)
    assert result.verified
    text, n = re.subn(r"(col0 = __bid_x \* )32;", r"\g<1>31;", result.text)
    assert n == 1, "the emitted tile offset changed: update the planting"
    out = tmp_path / "gemm_planted.cu"
    out.write_text(text)
    return out


def test_check_finds_block_offset_bug_beyond_the_first_tile(tmp_path):
    planted = _planted(tmp_path)
    cex = find_counterexample(CORPUS / "cuda/gemm_tiled.cu", planted, examples=30)
    assert cex is not None
    assert max(cex.sizes["M"], cex.sizes["N"]) > 32


def test_translation_differential_crosses_tiles():
    result = translate(CORPUS / "cuda/gemm_tiled.cu", "vnni", examples=3)
    diff = next(c for c in result.checks if c.name.startswith("interpreter"))
    assert "crossing tiles of 32" in diff.detail, diff.detail
    sizes = [dict((k, int(v)) for k, v in re.findall(r"(\w+)=(\d+)", part))
             for part in diff.detail.split(";")]
    assert any(p and min(p.get(n, 0) for n in "MNK") >= 64 for p in sizes), diff.detail


# serial C (a std::vector: not proven parallel, run one iteration at a time) whose cost grows as
# rows * cols: tiny examples predict a 513 x 513 probe (tiles of 256) far too cheap; without a
# deadline that probe alone takes about a minute here
SERIAL_C = """
#include <vector>
extern "C" void rowsmooth(float* out, const float* x, int rows, int cols) {
  std::vector<float> acc(cols);
  for (int r = 0; r < rows; ++r) {
    float s = 0.f;
    for (int c = 0; c < cols; ++c) {
      s = 0.5f * s + x[(size_t)r * cols + c];
      acc[c] = s;
    }
    for (int c = 0; c < cols; ++c) out[(size_t)r * cols + c] = acc[c] * 2.f;
  }
}
"""


def test_a_run_stops_at_its_deadline():
    import time
    from xpiler.grammar import parse
    from xpiler.interp import Interpreter
    from xpiler.interp.machine import TooSlow
    interp = Interpreter(parse(SERIAL_C, "serial.cpp", "vnni"))
    interp.deadline = time.perf_counter() + 0.2
    n = 1000
    start = time.perf_counter()
    with pytest.raises(TooSlow):
        interp.run("rowsmooth", {"out": np.zeros(n * n, np.float32), "x": np.ones(n * n, np.float32),
                                 "rows": np.int32(n), "cols": np.int32(n)})
    assert time.perf_counter() - start < 5


def test_a_probe_past_its_deadline_is_not_run_and_crossing_goes_one_size_at_a_time(tmp_path):
    src = tmp_path / "serial.cpp"
    src.write_text(SERIAL_C)
    result = translate(src, "cuda", examples=3)
    header = next(c for c in result.checks if c.name.startswith("interpreter"))
    assert header.status == "pass", header.line()
    assert result.seconds < 20, f"{result.seconds:.0f} s"
    # the output's tile of 256 is crossed one size at a time, never by both at 2T+1 at once
    assert re.search(r"crossing tiles of 256: (rows=\d+, cols=513|rows=513, cols=\d+)", header.detail), header.detail
    assert not re.search(r"rows=(\d{3}), cols=\1", header.detail), header.detail
