"""Serial C in the interpreter: loops the dependence analysis proves independent run as lanes.

The interpreter applies `xpiler.dependence.parallelize` to C modules. Results must be identical
to running the source as written (a serial machine on the unmarked module), bit for bit, and
`xpiler run` of a serial rmsnorm over 2048 x 2048 takes seconds instead of minutes.
"""
from __future__ import annotations

import time

import numpy as np
import pytest

from xpiler import ir
from xpiler.dependence import PARALLEL
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.interp.machine import Machine
from xpiler.irutil import walk
from xpiler.types import Pointer, Space

KERNELS = {
    "rows": """#include <math.h>
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    for (int r = 0; r < n; r++) {
        float s = 0.0f;
        for (int c = 0; c < m; c++) s += x[r * m + c] * x[r * m + c];
        float inv = 1.0f / sqrtf(s / m + 1e-5f);
        for (int c = 0; c < m; c++) y[r * m + c] = x[r * m + c] * inv * g[c];
    }
}""",
    "c89 counters and temporaries": """
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    int i, j;
    float t, u;
    for (i = 0; i < n; i++) {
        for (j = 0; j < m; j++) {
            t = x[i * m + j];
            u = t > 0 ? t : -t;
            y[i * m + j] = u + g[j];
        }
    }
    for (i = 0; i < n; i++) y[i] += 1.0f;
}""",
    "helpers, continue and while": """
static float sq(float v) { return v * v; }
static void scale(float* row, int m, float k) { for (int j = 0; j < m; j++) row[j] *= k; }
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    for (int i = 0; i < n * m; i++) {
        if (x[i] < -0.5f) continue;
        y[i] = sq(x[i]);
    }
    for (int i = 0; i < n; i++) scale(y + i * m, m, g[i]);
    for (int i = 0; i < n; i++) {
        int k = 0;
        while (k < m && x[i * m + k] > -1.0f) k++;
        y[i] += (float)k;
    }
}""",
    "tiles with min tails": """#include <algorithm>
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    for (int ii = 0; ii < n; ii += 4)
        for (int jj = 0; jj < m; jj += 4)
            for (int i = ii; i < std::min(ii + 4, n); i++)
                for (int j = jj; j < std::min(jj + 4, m); j++)
                    y[j * n + i] = x[i * m + j] * g[j];
}""",
    "serial loops stay serial": """
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    for (int i = 0; i < n * m; i++) y[i] = x[i];
    for (int i = 1; i < n * m; i++) y[i] += y[i - 1] * 0.5f;
    float mx = -1e30f;
    for (int i = 0; i < m; i++) mx = mx > g[i] ? mx : g[i];
    for (int i = 0; i < n; i++) y[i] -= mx;
}""",
}


def inputs(n: int, m: int, seed: int = 3) -> dict:
    rng = np.random.default_rng(seed)
    return {"x": rng.standard_normal(n * m).astype(np.float32), "g": rng.standard_normal(m + n).astype(np.float32),
            "y": rng.standard_normal(n * m).astype(np.float32), "n": np.int32(n), "m": np.int32(m)}


def run_as_written(module: ir.Module, entry: str, values: dict) -> dict:
    """The source's own semantics: one serial machine on the unmarked module."""
    interp = Interpreter(module)
    fn = module.function(entry)
    args, buffers = interp.bind(fn, values, Space.HOST)
    Machine(module, interp.memory, 1, runtime=interp).run_function(fn, args)
    return {k: b.as_array(values[k].dtype).copy() for k, b in buffers.items()}


@pytest.mark.parametrize("name", list(KERNELS))
@pytest.mark.parametrize("n, m", [(1, 1), (5, 7), (9, 13)])
def test_lanes_give_the_results_of_the_serial_source(name, n, m):
    module = parse(KERNELS[name], "k.cpp", "vnni")
    values = inputs(n, m)
    want = run_as_written(module, "f", {k: np.copy(v) for k, v in values.items()})
    got = Interpreter(module).run("f", {k: np.copy(v) for k, v in values.items()})
    for k in want:
        np.testing.assert_array_equal(got[k], want[k], err_msg=k)


def test_the_interpreter_marks_only_what_is_proven():
    marked = lambda src: [s.init[0].name for s in walk(Interpreter(parse(src, "k.cpp", "vnni")).module.function("f").body)
                          if isinstance(s, ir.For) and PARALLEL in s.pragmas]
    assert marked(KERNELS["rows"]) == ["r", "c"]
    assert marked(KERNELS["serial loops stay serial"]) == ["i", "i"]     # the copy and the subtraction


def test_nested_and_strided_parallel_loops_run_as_lanes():
    """The interpreter marks every proven loop, nested ones and ones with a step other than 1
    (each runs its iterations as lanes): an inner loop inside a serial one included."""
    src = """
extern "C" void f(const float* x, const float* g, float* y, int n, int m) {
    for (int i = 1; i < n; i++)
        for (int j = 0; j < m; j++) y[i * m + j] = y[(i - 1) * m + j] + x[i * m + j];
    for (int jj = 0; jj < m; jj += 4)
        for (int j = jj; j < m && j < jj + 4; j++) y[j] += g[j];
}"""
    module = Interpreter(parse(src, "k.cpp", "vnni")).module
    marked = [s.init[0].name for s in walk(module.function("f").body) if isinstance(s, ir.For) and PARALLEL in s.pragmas]
    assert marked == ["j", "jj"]
    values = inputs(9, 13)
    want = run_as_written(parse(src, "k.cpp", "vnni"), "f", {k: np.copy(v) for k, v in values.items()})
    got = Interpreter(parse(src, "k.cpp", "vnni")).run("f", {k: np.copy(v) for k, v in values.items()})
    np.testing.assert_array_equal(got["y"], want["y"])


def test_a_strided_parallel_loop_runs_its_iterations_as_lanes():
    """Proof that the lanes run together: in a loop marked parallel that is not (step 2, `<=`),
    every iteration reads the value from before the loop (run serially, each would read the one
    the previous iteration wrote)."""
    src = """
extern "C" void f(float* y, int n) {
    #pragma omp parallel for
    for (int i = 0; i <= n; i += 2) y[i + 2] = y[i] + 1.0f;
}"""
    out = Interpreter(parse(src, "k.cpp", "vnni")).run("f", {"y": np.zeros(9, np.float32), "n": np.int32(6)})["y"]
    assert list(out[::2]) == [0, 1, 1, 1, 1]


def test_probe_runs_use_the_marked_module():
    from xpiler.oracle.differential import Program, touched_extents
    module = parse(KERNELS["rows"], "rms.cpp", "vnni")
    start = time.perf_counter()
    run = touched_extents(Program(module, module.function("f"), "rms.cpp"), {"n": 256, "m": 256},
                          np.random.default_rng(0))
    assert run is not None and run[2] == {"x": 256 * 256, "g": 256, "y": 256 * 256}
    assert time.perf_counter() - start < 10


def test_xpiler_run_of_a_serial_rmsnorm_over_2048_squared(tmp_path, capsys):
    from xpiler.cli import main
    src = tmp_path / "rms.cpp"
    src.write_text(KERNELS["rows"].replace("void f(", "void rmsnorm("))
    out = tmp_path / "out.npz"
    start = time.perf_counter()
    assert main(["run", str(src), "--size", "n=2048", "--size", "m=2048", "--outputs", str(out)]) == 0
    seconds = time.perf_counter() - start
    assert seconds < 10, f"{seconds:.1f} s"              # the serial interpreter took over 300 s
    from xpiler.oracle.differential import load_program, synthesize
    given = synthesize(load_program(src).entry, {"n": 2048, "m": 2048}, np.random.default_rng(0))
    x = given["x"][:2048 * 2048].reshape(2048, 2048).astype(np.float64)
    want = x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-5) * given["g"][:2048]
    with np.load(out) as data:
        np.testing.assert_allclose(data["y"][:2048 * 2048].reshape(2048, 2048), want, rtol=1e-4, atol=1e-5)
