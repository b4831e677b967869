"""The differential test's native runs of the output (where its interpreted run is too slow), the
guarded arrays they run on, and the source runs shared by the extent inference and the examples."""
import shutil

import numpy as np
import pytest

from xpiler import ir
from xpiler.grammar import parse
from xpiler.oracle import native, verify
from xpiler.oracle.differential import Program, entry_of, measured_points
from xpiler.oracle.extents import infer_extents
from xpiler.pipeline import translate

needs_gxx = pytest.mark.skipif(shutil.which("g++") is None, reason="g++ not found")

SOURCE = """
extern "C" void scale_rows(float* out, const float* x, int rows, int cols) {
#pragma omp parallel for
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      out[r * cols + c] = 2.0f * x[r * cols + c] + (float)c;
}
"""

# a port to the BANG emulation whose kernel writes one element past the end of the device copy of
# `out` (the last row's loop runs to c == cols)
OUT_OF_BOUNDS_BANG = """
#include <bang.h>
#include <cnrt.h>
__mlu_global__ void scale_rows_k(float* out, const float* x, int rows, int cols) {
  for (int r = taskId; r < rows; r += taskDim)
    for (int c = 0; c < cols + (r == rows - 1); ++c)
      out[r * cols + c] = 2.0f * x[r * cols + (c < cols ? c : 0)] + (float)c;
}
extern "C" void scale_rows(float* out, const float* x, int rows, int cols) {
  cnrtQueue_t q; cnrtQueueCreate(&q);
  float *d_out, *d_x;
  cnrtMalloc((void**)&d_out, (size_t)rows * cols * sizeof(float));
  cnrtMalloc((void**)&d_x, (size_t)rows * cols * sizeof(float));
  cnrtMemcpy(d_x, (void*)x, (size_t)rows * cols * sizeof(float), cnrtMemcpyHostToDev);
  cnrtDim3_t dim = {4, 1, 1};
  scale_rows_k<<<dim, cnrtFuncTypeBlock, q>>>(d_out, d_x, rows, cols);
  cnrtQueueSync(q);
  cnrtMemcpy((void*)out, d_out, (size_t)rows * cols * sizeof(float), cnrtMemcpyDevToHost);
  cnrtFree(d_out); cnrtFree(d_x); cnrtQueueDestroy(q);
}
"""


def _lib(tmp_path, text):
    src = tmp_path / "k.cpp"
    src.write_text(text)
    return native.compile_shared(src, "bang")


@needs_gxx
@pytest.mark.parametrize("isolate", [False, True])
def test_a_write_past_an_array_is_caught_by_its_guard(tmp_path, isolate):
    lib = _lib(tmp_path, 'extern "C" void w(float* a, int n) { for (int i = 0; i <= n; i++) a[i] = 1.0f; }\n'
                         'extern "C" void ok(float* a, int n) { for (int i = 0; i < n; i++) a[i] += 1.0f; }\n')
    a = np.arange(10, dtype=np.float32)
    got = native.call(lib, "ok", ["a", "n"], {"a": a, "n": np.int32(10)}, guard=4096, isolate=isolate)
    assert np.array_equal(got["a"], a + 1) and np.array_equal(a, np.arange(10))     # inputs untouched
    with pytest.raises(native.NativeError, match=r"writes outside the array 'a' \(element 10, past its end"):
        native.call(lib, "w", ["a", "n"], {"a": a, "n": np.int32(10)}, guard=4096, isolate=isolate)


@needs_gxx
def test_a_read_before_an_array_brings_filler_into_the_results(tmp_path):
    lib = _lib(tmp_path, 'extern "C" void r(const float* a, float* b, int n) { for (int i = 0; i < n; i++) b[i] = a[i - 1]; }\n')
    a = np.arange(1, 11, dtype=np.float32)
    got = native.call(lib, "r", ["a", "b", "n"], {"a": a, "b": np.zeros(10, np.float32), "n": np.int32(10)},
                      guard=4096, guard_seed=3)
    assert np.array_equal(got["b"][1:], a[:-1]) and got["b"][0] != 0.0


def _force_native(monkeypatch):
    """Every interpreted run of the output (the runs given a deadline) is too slow."""
    from xpiler.interp.machine import TooSlow
    real = verify.run_program

    def run_program(program, inputs, deadline=None):
        if deadline is not None:
            raise TooSlow(None, "the run went past its time limit")
        return real(program, inputs)
    monkeypatch.setattr(verify, "run_program", run_program)


@needs_gxx
def test_an_output_too_slow_for_the_interpreter_runs_natively_and_verifies(tmp_path, monkeypatch):
    _force_native(monkeypatch)
    src = tmp_path / "scale_rows.cpp"
    src.write_text(SOURCE)
    result = translate(src, "bang", examples=3)
    diff = next(c for c in result.checks if c.name == verify.DIFFERENTIAL)
    assert diff.status == "pass", diff.line()
    assert "the output ran natively (bang, arrays guarded)" in diff.detail, diff.detail
    assert result.verified


@needs_gxx
def test_an_output_writing_past_its_array_fails_when_run_natively(monkeypatch):
    _force_native(monkeypatch)
    module = parse(SOURCE, "scale_rows.cpp", "vnni")
    checks = verify.verify_translation(module, OUT_OF_BOUNDS_BANG, ir.Platform.BANG, "scale_rows.cpp",
                                       examples=3, sizes=None, seed=0)
    diff = next(c for c in checks if c.name == verify.DIFFERENTIAL)
    assert diff.status == "fail" and "run natively (bang), fails" in diff.detail and \
        "write past the end of a cnrtMalloc'd buffer" in diff.detail, diff.line()


@needs_gxx
def test_the_same_fault_is_found_by_the_interpreter_when_it_has_time():
    module = parse(SOURCE, "scale_rows.cpp", "vnni")
    checks = verify.verify_translation(module, OUT_OF_BOUNDS_BANG, ir.Platform.BANG, "scale_rows.cpp",
                                       examples=3, sizes=None, seed=0)
    diff = next(c for c in checks if c.name == verify.DIFFERENTIAL)
    assert diff.status == "fail" and "the output faults" in diff.detail and "out-of-bounds" in diff.detail, diff.line()


def test_the_extent_inference_stops_once_a_line_is_pinned_and_its_runs_become_examples(tmp_path):
    # one size: four draws pin `c*rows*cols`-style lines; before, seven draws were made
    text = SOURCE.replace("int rows, int cols", "int rows").replace("cols", "8")
    module = parse(text, "rows.cpp", "vnni")
    program = Program(module, entry_of(module), "rows.cpp")
    found = infer_extents(program, program.entry, ["out", "x"])
    assert set(found) == {"out", "x"}
    assert len(program.runs) == 4, sorted(program.runs)
    points = measured_points(program)
    assert sorted(p["rows"] for p in points) == [1, 2, 3, 4]      # the smallest first
    checks: list = []
    out_module = parse(text, "rows_out.cpp", "vnni")
    verify.differential(program, Program(out_module, entry_of(out_module), "rows_out.cpp"), 3, None, 0, checks)
    assert checks[0].status == "pass" and checks[0].detail.startswith("3 example(s), random sizes: rows=4; rows=3; rows=2"), \
        checks[0].line()
    assert len(program.runs) == 4              # the examples ran the source no more


def test_an_atom_that_stayed_constant_keeps_the_inference_drawing():
    from xpiler.oracle.extents import _settled
    # extents N * C * OH * OW observed only where OH == 1 (H in 1..2): N * C * OW fits every draw
    draws = [dict(N=n, C=c, W=w, H=h) for n, c, w, h in [(2, 1, 3, 1), (3, 2, 5, 2), (1, 3, 4, 1), (4, 2, 6, 2),
                                                          (2, 4, 3, 1), (5, 1, 7, 2), (3, 3, 5, 1)]]
    rows = [dict(d, OH=(d["H"] - 1) // 2 + 1, OW=(d["W"] - 1) // 2 + 1) for d in draws]
    atoms = {a: None for a in rows[0]}
    observed = {"out": [r["N"] * r["C"] * r["OH"] * r["OW"] for r in rows]}
    assert not _settled(observed, rows, atoms)
    rows2 = [dict(r, H=h, OH=(h - 1) // 2 + 1) for r, h in zip(rows, [1, 3, 5, 7, 2, 4, 6])]
    observed2 = {"out": [r["N"] * r["C"] * r["OH"] * r["OW"] for r in rows2]}
    assert _settled(observed2, rows2, atoms)
