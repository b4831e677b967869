"""Overload resolution of the math names (grammar/overloads.py) against the real compilers.

tests/interp/data/overloads.json records what g++, gcc, nvcc and hipcc select for max, min,
abs, fabs, exp, sqrt, fmax, fmin, fmaxf, fabsf and their std:: forms over every pair of
argument types (tests/interp/overload_tables.py asks them). xpiler must select the same result
type, and refuse the same calls (ambiguous, no match, undeclared).
"""
import json

import pytest

from xpiler.grammar.overloads import OverloadError, resolve
from tests.interp import overload_tables
from xpiler.intrinsics import lookup
from xpiler.types import DType, scalar

RECORD = json.loads(overload_tables.RECORD.read_text())
SPELLING = {"bool": "BOOL", "char": "I8", "short": "I16", "short int": "I16", "int": "I32",
            "unsigned int": "U32", "long long": "I64", "long long int": "I64",
            "unsigned long long": "U64", "long long unsigned int": "U64", "float": "F32",
            "double": "F64", "__half": "F16", "_Float16": "F16"}
REFUSALS = {"AMBIGUOUS": "ambiguous", "NOMATCH": "no-match"}


def family(name: str) -> str:
    entry = lookup(name) or lookup(name.removeprefix("std::"))
    return entry.data["overloads"]


def xpiler_answer(variant: str, call: str) -> str:
    info = RECORD[variant]
    name, _, rest = call.partition("(")
    args = [scalar(DType[overload_tables.DTYPE_OF[a.strip()]]) for a in rest.rstrip(")").split(",")]
    try:
        t = resolve(name, family(name), args, info["dialect"], info["includes"], info["using_std"])
    except OverloadError as e:
        return e.kind
    return t.dtype.name


@pytest.mark.parametrize("variant", sorted(RECORD))
def test_resolution_matches_the_compiler(variant):
    """Where the C or C++ compiler finds no declaration (max without std), xpiler, which reads no
    headers, accepts the call as nvcc does (its canonical programs call max as CUDA did)."""
    wrong = []
    for call, answer in RECORD[variant]["cases"].items():
        if answer == "UNDECLARED":
            answer = RECORD["cuda"]["cases"].get(call)
            if answer is None:
                continue
        want = REFUSALS.get(answer) or SPELLING[answer]
        got = xpiler_answer(variant, call)
        if got != want:
            wrong.append(f"{call}: compiler {answer}, xpiler {got}")
    assert not wrong, f"{len(wrong)} of {len(RECORD[variant]['cases'])} differ:\n" + "\n".join(wrong[:40])


@pytest.mark.parametrize("variant", sorted(overload_tables.VARIANTS))
def test_record_is_what_the_compiler_says(variant):
    if not overload_tables.available(variant):
        pytest.skip(f"{overload_tables.VARIANTS[variant][2]} is not installed")
    assert overload_tables.ask(variant) == RECORD[variant]["cases"]


def test_every_overload_has_its_result_type_as_parameters():
    """The interpreter converts a call's arguments to the call's type: true of every entry."""
    from xpiler.builtins import OVERLOADS
    for fam, table in OVERLOADS.items():
        for dialect, sigs in table.items():
            if dialect == "std_via":
                continue
            for sig in sigs:
                ret, _, params = sig.partition("(")
                ps = [p.strip() for p in params.rstrip(")").split(",")]
                assert ret.strip() in ("T", "promote") or ps == ["integral"] or \
                    all(p == ret.strip() or (fam == "minmax" and dialect == "cuda") for p in ps), sig


# ---- the interpreter runs the selected overload: compared with g++ and the CUDA CPU emulation ----

import numpy as np                                                      # noqa: E402

from xpiler.diagnostics import XpilerError                              # noqa: E402
from xpiler.grammar import parse                                        # noqa: E402
from xpiler.interp import Interpreter                                   # noqa: E402
from xpiler.oracle import native                                        # noqa: E402

X = np.array([-2.75, -1.5, -0.0, 0.0, 0.5, 1.25, np.nan, 3.5], np.float32)


def _copy(inputs):
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in inputs.items()}


def _both(text, filename, platform, entry, params, inputs):
    got = Interpreter(parse(text, filename)).run(entry, _copy(inputs))
    if native.available(platform):
        pytest.skip(native.available(platform))
    return got, native.run_native(text, platform, entry, params, _copy(inputs))


CPP = """
#include <algorithm>
#include <cmath>
#include <cstdlib>
extern "C" void k(float* out, double* dout, int* iout, const float* x, int n) {
  for (int i = 0; i < n; i++) {
    out[i * 5 + 0] = std::max(x[i], 0.000000e+00f);      // relu: std::max keeps a NaN first argument
    out[i * 5 + 1] = abs(x[i]);                           // <cmath> alone: C's int abs(int)
    out[i * 5 + 2] = std::abs(x[i]);                      // std::abs(float)
    out[i * 5 + 3] = fabsf(x[i]);
    out[i * 5 + 4] = exp(x[i]);                           // C's double exp(double), rounded back
    dout[i] = std::max<double>(x[i], 0.25);
    iout[i * 2 + 0] = std::min(i, 7) + abs(-3);
    iout[i * 2 + 1] = std::max((int)x[i], -1);
  }
}
"""
MATH_H = CPP.replace("#include <cmath>\n", "#include <math.h>\n")   # abs(float) is float there


@pytest.mark.parametrize("text, abs_is_int", [(CPP, True), (MATH_H, False)], ids=["cmath", "math.h"])
def test_cpp_overloads_run_as_gxx_runs_them(text, abs_is_int):
    n = len(X)
    inputs = {"out": np.zeros(5 * n, np.float32), "dout": np.zeros(n), "iout": np.zeros(2 * n, np.int32),
              "x": X, "n": np.int32(n)}
    m = parse(text, "k.cpp")
    got = Interpreter(m).run("k", _copy(inputs))
    out = got["out"].reshape(n, 5)
    assert np.isnan(out[6, 0]) and out[0, 0] == 0                       # std::max(NaN, 0) is NaN
    assert (out[1, 1] == 1.0) == abs_is_int
    if native.available("vnni"):
        pytest.skip(native.available("vnni"))
    want = native.run_native(text, "vnni", "k", list(inputs), _copy(inputs))
    a, b = got["out"].reshape(n, 5), want["out"].reshape(n, 5)
    np.testing.assert_array_equal(a[:, :4], b[:, :4])
    # exp: in double (C's exp) both round the same; expf differs from numpy by up to 1 ulp
    np.testing.assert_allclose(a[:, 4], b[:, 4], rtol=0 if abs_is_int else 2.4e-7)
    np.testing.assert_array_equal(got["dout"], want["dout"])
    np.testing.assert_array_equal(got["iout"], want["iout"])


C_SOURCE = """
#include <math.h>
#include <stdlib.h>
void k(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) {
    out[i * 3 + 0] = abs(x[i]);          /* C: int abs(int), the argument truncated */
    out[i * 3 + 1] = fabs(x[i]);         /* C: double fabs(double) */
    out[i * 3 + 2] = fmax(x[i], 1);      /* C: double fmax(double, double) */
  }
}
"""


def test_c_has_no_overloads():
    m = parse(C_SOURCE, "k.c")
    calls = [n for n in _walk(m) if isinstance(n, ir.Call)]
    assert [c.type.c() for c in calls] == ["int", "double", "double"]
    got = Interpreter(m).run("k", {"out": np.zeros(3 * len(X), np.float32), "x": X.copy(),
                                   "n": np.int32(len(X))})["out"].reshape(-1, 3)
    np.testing.assert_array_equal(got[[0, 1, 5], 0], [2, 1, 1])
    np.testing.assert_array_equal(got[[0, 5], 1], [2.75, 1.25])


CU = """
__global__ void k(float* out, double* dout, int* iout, const float* x) {
  int t = threadIdx.x;
  out[t * 3 + 0] = max(x[t], 0.000000e+00f);       // CUDA max(float, float) is fmaxf
  out[t * 3 + 1] = fabsf(x[t]);
  out[t * 3 + 2] = min(x[t], 1.0f);
  dout[t] = max(x[t], 0.25);                        // double max(float, double)
  iout[t * 2 + 0] = min(t, 7);
  iout[t * 2 + 1] = abs(-3) + max(t, 2u);           // unsigned max(int, unsigned)
}
extern "C" void k_kernel(float* out, double* dout, int* iout, const float* x) {
  float *d, *dx; double* dd; int* di;
  cudaMalloc(&d, 24 * sizeof(float)); cudaMalloc(&dx, 8 * sizeof(float));
  cudaMalloc(&dd, 8 * sizeof(double)); cudaMalloc(&di, 16 * sizeof(int));
  cudaMemcpy(dx, x, 8 * sizeof(float), cudaMemcpyHostToDevice);
  k<<<1, 8>>>(d, dd, di, dx);
  cudaMemcpy(out, d, 24 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(dout, dd, 8 * sizeof(double), cudaMemcpyDeviceToHost);
  cudaMemcpy(iout, di, 16 * sizeof(int), cudaMemcpyDeviceToHost);
}
"""


def test_cuda_overloads_run_as_the_cuda_emulation_runs_them():
    inputs = {"out": np.zeros(24, np.float32), "dout": np.zeros(8), "iout": np.zeros(16, np.int32), "x": X}
    got, want = _both(CU, "k.cu", "cuda-cpu", "k_kernel", list(inputs), inputs)
    assert got["out"][6 * 3] == 0.0                  # fmaxf(NaN, 0) = 0 (relu of NaN on a GPU)
    for name in ("out", "dout", "iout"):
        np.testing.assert_array_equal(got[name], want[name])


@pytest.mark.xfail(strict=True, reason="oracle/include/simt_cpu/simt_cpu.h lacks CUDA's abs(float) "
                                       "overload: the emulation calls C's int abs (nvcc selects float)")
def test_cuda_abs_of_float_in_the_emulation():
    text = CU.replace("fabsf(x[t])", "abs(x[t])")
    inputs = {"out": np.zeros(24, np.float32), "dout": np.zeros(8), "iout": np.zeros(16, np.int32), "x": X}
    got, want = _both(text, "k.cu", "cuda-cpu", "k_kernel", list(inputs), inputs)
    np.testing.assert_array_equal(got["out"], want["out"])


@pytest.mark.parametrize("filename, call, message", [
    ("k.cu", "max(i, f)", "call to 'max(int, float)' is ambiguous"),
    ("k.cu", "max(i, 1ll)", "call to 'max(int, long long)' is ambiguous"),
    ("k.cpp", "std::max(i, f)", "no matching function for call to 'std::max(int, float)'"),
    ("k.cpp", "max(i, f)", "call to 'max(int, float)' is ambiguous"),     # undeclared: as nvcc
    ("k.c", "abs(i, f)", "no matching function for call to 'abs(int, float)'"),
])
def test_calls_the_compiler_refuses(filename, call, message):
    q = "__device__ " if filename.endswith(".cu") else ""
    text = f"#include <algorithm>\n{q}float g(int i, float f) {{\n  return {call};\n}}\n"
    with pytest.raises(XpilerError) as e:
        parse(text, filename)
    assert message in e.value.message and e.value.span.line == 3


def test_hip_mixes_int_and_float_in_double():
    m = parse("__device__ float g(int i, float f) { return max(i, f) + min(f, f); }", "k.hip")
    calls = [n for n in _walk(m) if isinstance(n, ir.Call)]
    assert [c.type.c() for c in calls] == ["double", "float"]


def _walk(m):
    from xpiler.irutil import walk
    for f in m.functions:
        if f.body is not None:
            yield from walk(f.body)


from xpiler import ir                                                   # noqa: E402


# ---- a file's own overloads (the vnni emitter's max/min helpers are such a set) ----------------

OWN = """
static inline int max(int a, int b) { return a < b ? b : a; }
static inline unsigned max(unsigned a, unsigned b) { return a < b ? b : a; }
static inline float max(float a, float b) { return a < b ? b : a; }
static inline double max(double a, double b) { return a < b ? b : a; }
extern "C" void k(float* out, const float* x, int n) {
  for (int i = 0; i < n; i++) {
    out[i * 3 + 0] = max(x[i], 0x0p+0f);          // float max: a relu, not a truncation
    out[i * 3 + 1] = max(i, 3);                   // int max
    out[i * 3 + 2] = max((double)x[i], 0.5);      // double max
  }
}
"""


def test_own_overloads_select_by_argument_types():
    m = parse(OWN, "k.cpp")
    calls = [n for n in _walk(m) if isinstance(n, ir.Call) and n.callee == "max"]
    assert [c.type.c() for c in calls] == ["float", "int", "double"]
    inputs = {"out": np.zeros(3 * len(X), np.float32), "x": X, "n": np.int32(len(X))}
    got, want = _both(OWN, "k.cpp", "vnni", "k", list(inputs), inputs)
    assert got["out"][5 * 3] == 1.25 and got["out"][4 * 3] == 0.5
    np.testing.assert_array_equal(got["out"], want["out"])


def test_own_overloads_ambiguous_call():
    with pytest.raises(XpilerError) as e:
        parse(OWN.replace("max(i, 3)", "max(i, 3.0f)"), "k.cpp")
    assert "no single best overload for the call 'max(int, float)'" in e.value.message
    assert e.value.span.line == 9
