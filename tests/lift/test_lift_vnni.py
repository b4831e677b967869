"""Lifting vnni (C++ with AVX-512 / VNNI intrinsics) to the canonical form (lift/vnni.py,
lift/detensorize_x86.py).

1. Every intrinsic of the vnni corpus has a `semantics` snippet, and every snippet parses
   (tests/lift/test_x86_semantics.py proves each equal to the interpreter and to this CPU).
2. Hand-worked anchors: lane order of loads and set_epi32, GCC's reduction tree, the max NaN/±0
   rule, masked loads that stay inside a buffer, dpbusd wrapping and dpbusds saturating.
3. The shape of canonical programs: parallel loops in normal form, serial loops untouched, helpers
   kept or inlined, results written in place only when that is safe; refusals with positions.
4. The canonical programs of the vnni corpus, compiled with g++, meet the numpy references.
"""
from __future__ import annotations

import numpy as np
import pytest

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse, parse_file
from xpiler.interp import Interpreter
from xpiler.intrinsics import catalog
from xpiler.irutil import walk
from xpiler.lift import lift
from xpiler.lift.detensorize_x86 import REGISTERS, holds_registers, template
from xpiler.printer import print_module
from xpiler.types import Type
from tests.corpus_support import assert_outputs_match, corpus

HEADER = "#include <immintrin.h>\n#include <stdint.h>\n#include <math.h>\n"
INT_MIN, INT_MAX = -2**31, 2**31 - 1


def canonical(src: str) -> ir.Module:
    """lift -> print -> parse back as plain vnni C (what the corpus test does)."""
    return parse(print_module(lift(parse(src, "probe.cpp"))), "probe.canonical.cpp", "vnni")


def run_both(src: str, entry: str, inputs: dict) -> tuple[dict, dict]:
    want = Interpreter(parse(src, "probe.cpp")).run(entry, {k: np.copy(v) for k, v in inputs.items()})
    got = Interpreter(canonical(src)).run(entry, {k: np.copy(v) for k, v in inputs.items()})
    return want, got


# ---- 1. every snippet (each is proven equal to the interpreter and this CPU by test_x86_semantics.py)
WITH_SEMANTICS = sorted(n for n, e in catalog().items() if e.family == "x86" and "semantics" in e.data)


def test_corpus_intrinsics_have_semantics():
    used = set()
    for k in corpus("vnni"):
        used |= {n.callee for n in walk(parse_file(k.source))
                 if isinstance(n, ir.Call) and n.callee.startswith("_mm")}
    assert used and used <= set(WITH_SEMANTICS), sorted(used - set(WITH_SEMANTICS))


def test_every_snippet_parses_with_the_grammar():
    for name in WITH_SEMANTICS:
        t = template(name)
        assert t is not None and t.body, name


# ---- 2. hand-worked anchors ------------------------------------------------------------------------
def run_canonical(signature: str, body: str, **inputs) -> dict:
    src = HEADER + f'extern "C" void f({signature}) {{\n{body}\n}}\n'
    return Interpreter(canonical(src)).run("f", inputs)


def test_load_and_set_lane_order():
    p = np.arange(16, dtype=np.float32) + 0.5
    out = run_canonical("const float* p, float* o, int* q",
                        "o[0] = _mm512_cvtss_f32(_mm512_loadu_ps(p));\n"
                        "_mm512_storeu_si512(q, _mm512_set_epi32(15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0));",
                        p=p, o=np.zeros(1, np.float32), q=np.zeros(16, np.int32))
    assert out["o"][0] == 0.5                                  # lane 0 = lowest address
    assert (out["q"] == np.arange(16)).all()                   # set: highest lane first


def test_reduce_add_follows_gcc_tree():
    x = np.zeros(16, np.float32)
    x[0], x[8], x[4], x[12] = 1.0, 2.0**25, -(2.0**25), 1.0
    # tree: (x8+x0)=2^25 (1 lost), (x12+x4)=-2^25+1 rounds to -2^25 -> level 2 lane 0: 0 ...
    y = x[8:] + x[:8]
    y = y[4:] + y[:4]
    y = y[:2] + y[2:]
    tree = np.float32(y[0] + y[1])
    sequential = np.float32(0)
    for v in x:
        sequential = np.float32(sequential + v)
    assert tree != sequential                                  # the order is observable
    out = run_canonical("const float* x, float* o", "o[0] = _mm512_reduce_add_ps(_mm512_loadu_ps(x));",
                        x=x, o=np.zeros(1, np.float32))
    assert out["o"][0] == tree


def test_max_returns_second_operand_on_nan_and_signed_zero():
    a = np.array([np.nan, 1.0, 0.0, -0.0] * 4, np.float32)
    b = np.array([1.0, np.nan, -0.0, 0.0] * 4, np.float32)
    out = run_canonical("const float* a, const float* b, float* o",
                        "_mm512_storeu_ps(o, _mm512_max_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b)));",
                        a=a, b=b, o=np.zeros(16, np.float32))["o"]
    assert out[0] == 1.0 and np.isnan(out[1])
    assert out[2] == 0 and np.signbit(out[2]) and out[3] == 0 and not np.signbit(out[3])


def test_masked_load_and_store_touch_only_selected_lanes():
    # an 8-float buffer: lanes 8..15 would be out of bounds (the interpreter faults on them)
    out = run_canonical("const float* p, float* o",
                        "_mm512_mask_storeu_ps(o, 0x00FF, _mm512_maskz_loadu_ps(0x00FF, p));",
                        p=np.arange(8, dtype=np.float32), o=np.full(8, -1, np.float32))["o"]
    assert (out == np.arange(8)).all()


def test_dpbusd_wraps_and_dpbusds_saturates():
    body = ("_mm512_storeu_si512(o, _mm512_dpbusd_epi32(_mm512_set1_epi32(s), _mm512_set1_epi32(-1), "
            "_mm512_set1_epi32(0x7F7F7F7F)));\n"
            "_mm512_storeu_si512(o + 16, _mm512_dpbusds_epi32(_mm512_set1_epi32(s), _mm512_set1_epi32(-1), "
            "_mm512_set1_epi32(0x7F7F7F7F)));")
    out = run_canonical("int s, int32_t* o", body, s=np.int32(0x7FFFFF00), o=np.zeros(32, np.int32))["o"]
    exact = 0x7FFFFF00 + 4 * 255 * 127
    assert (out[:16] == exact - 2**32).all() and (out[16:] == INT_MAX).all()


def test_fmadd_rounds_once():
    # (1 + 2^-12)^2 + 2^-60 = 1 + 2^-11 + 2^-24 + 2^-60: just above the midpoint of two floats
    a = np.full(16, 1 + 2.0**-12, np.float32)
    out = run_canonical("const float* a, const float* c, float* o",
                        "_mm512_storeu_ps(o, _mm512_fmadd_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(a), "
                        "_mm512_loadu_ps(c)));", a=a, c=np.full(16, 2.0**-60, np.float32),
                        o=np.zeros(16, np.float32))["o"]
    assert (out == np.float32(1 + 2.0**-11 + 2.0**-23)).all()


# ---- 3. the shape of canonical programs ------------------------------------------------------------
LOOPS = HEADER + """
static float twice(float v) { return 2.0f * v; }
static inline float hsum(const float* p, __mmask16 k) { return _mm512_reduce_add_ps(_mm512_maskz_loadu_ps(k, p)); }
static inline __m512 scaled(const float* p, float s) { return _mm512_mul_ps(_mm512_loadu_ps(p), _mm512_set1_ps(s)); }
extern "C" void f(const float* x, float* y, float* z, int n) {
#pragma omp parallel for schedule(static)
  for (int m = 2; m <= n; m += 3) {
    if (m % 2 == 0) {
      y[m] = 0.0f;
      continue;
    }
    y[m] = twice(hsum(x + m * 16, 0x0F0F));
  }
#pragma omp parallel for collapse(2)
  for (int i = 0; i < 2; i++)
    for (int j = 1; j < 4; j += 2)
      _mm512_storeu_ps(z + (i * 2 + j / 2) * 16, scaled(x + i * 16, (float)j));
  for (int k = 0; k < n; k += 4)
    y[k] += 1.0f;
}
"""


def loops_of(fn: ir.Function) -> list[ir.For]:
    return [n for n in walk(fn.body) if isinstance(n, ir.For) and n.init[0].name != "__j"]


def test_parallel_loops_normal_form_serial_loops_untouched():
    module = lift(parse(LOOPS, "loops.cpp"))
    f = module.function("f")
    outer, inner1, inner2, serial = loops_of(f)
    for lp in (outer, inner1, inner2):
        assert lp.pragmas == ("omp parallel for",)
        assert lp.init[0].init.value == 0 and lp.step[0].value.value == 1 and lp.cond.op == "<"
    assert outer.init[0].name == "__m_i" and "int m = __m_i * 3 + 2" in print_module(module)
    assert serial.pragmas == () and serial.init[0].name == "k"       # no pragma: stays as written
    assert not any(isinstance(n, ir.Continue) for n in walk(outer))
    x = np.arange(64 * 16, dtype=np.float32) % 7
    want, got = run_both(LOOPS, "f", dict(x=x, y=np.zeros(64, np.float32), z=np.zeros(64, np.float32),
                                          n=np.int32(40)))
    assert (want["y"] == got["y"]).all() and (want["z"] == got["z"]).all()


def test_helpers_kept_or_inlined():
    module = lift(parse(LOOPS, "loops.cpp"))
    names = [f.name for f in module.functions]
    assert names == ["twice", "hsum", "f"]             # `scaled` returns a register: inlined
    assert module.function("twice").body == parse(LOOPS, "loops.cpp").function("twice").body
    for f in module.functions:
        for n in walk(f):
            assert not (isinstance(n, ir.Call) and n.callee.startswith("_mm")), n.callee
            assert not (isinstance(getattr(n, "type", None), Type) and holds_registers(n.type)), n


ALIAS = HEADER + """
extern "C" void f(const uint8_t* a, const int8_t* b, int32_t* o) {
  __m512i acc = _mm512_set1_epi32(7);
  __m512i va = _mm512_loadu_si512(a);
  __m512i vb = _mm512_loadu_si512(b);
  acc = _mm512_dpbusd_epi32(acc, va, vb);
  va = _mm512_dpbusd_epi32(acc, va, vb);
  _mm512_storeu_si512(o, acc);
  _mm512_storeu_si512(o + 16, va);
}
"""


def test_result_written_in_place_only_when_safe():
    text = print_module(lift(parse(ALIAS, "alias.cpp")))
    regions = [r.split("#pragma xpiler")[0] for r in text.split("#pragma xpiler region _mm512_dpbusd_epi32")]
    assert "((int*)acc)[__j] =" in regions[1]          # lane j reads only lane j of acc: in place
    assert "((int*)__v" in regions[2]                  # `va` is read at bytes 4j..4j+3: a temporary
    rng = np.random.default_rng(0)
    inputs = dict(a=rng.integers(0, 256, 64, dtype=np.uint8), b=rng.integers(-128, 128, 64, dtype=np.int8),
                  o=np.zeros(32, np.int32))
    want, got = run_both(ALIAS, "f", inputs)
    assert (want["o"] == got["o"]).all()


REFUSALS = [
    ("__m512 v = _mm512_loadu_ps(x);\n__m512 w = v + v;  // here", "GCC vector arithmetic"),
    ("__m512 v = _mm512_loadu_ps(x);\n_mm512_storeu_ps(y, -v);  // here", "GCC vector arithmetic"),
    ("y[0] = n > 0 ? _mm512_reduce_add_ps(_mm512_loadu_ps(x)) : 0.0f;  // here", "?:"),
    ("float s = 0;\n#pragma omp parallel for reduction(+:s)\nfor (int i = 0; i < n; i++)  // here\n  s += x[i];",
     "reduction"),
    ("#pragma omp parallel for\nfor (int i = 0; i < n; i++) {\n  if (x[i] > 0) {\n"
     "    if (x[i] > 1) continue;  // here\n    y[i] = 1.0f;\n  }\n  y[i] += 2.0f;\n}", "continue"),
    ("#pragma omp parallel for collapse(2)\nfor (int i = 0; i < n; i++) {  // here\n  y[i] = 0;\n"
     "  for (int j = 0; j < n; j++) y[j] += 1;\n}", "perfectly nested"),
    ("#pragma omp parallel for\nfor (int i = n; i > 0; i--)  // here\n  y[i] = 0;", "condition"),
    ("#pragma omp parallel\n{  y[0] = 1; }", "omp parallel"),
]


@pytest.mark.parametrize("body, reason", REFUSALS, ids=[f"{i}-{r}" for i, (_, r) in enumerate(REFUSALS)])
def test_refusals_are_positioned(body, reason):
    src = HEADER + 'extern "C" void f(const float* x, float* y, int n) {\n' + body + "\n}\n"
    lines = src.split("\n")
    marked = [i + 1 for i, line in enumerate(lines) if "// here" in line or line == "#pragma omp parallel"]
    with pytest.raises(XpilerError) as info:
        lift(parse(src, "refuse.cpp"))
    e = info.value
    assert "cannot translate" in e.message and reason in e.message, e.render()
    assert e.span is not None and e.span.line == marked[0], e.render()


# ---- 4. canonical corpus programs compiled with g++ ------------------------------------------------
def _native_skip() -> str | None:
    from xpiler.oracle import native
    missing = native.available("vnni")
    if missing:
        return f"cannot compile vnni code: {missing}"
    if not native.cpu_runs_vnni():
        return "this CPU lacks avx512_vnni (the vnni compile flags may emit AVX-512)"
    return None


NATIVE = [pytest.param(k, id=k.name) for k in corpus("vnni")]


@pytest.mark.parametrize("kernel", NATIVE)
def test_canonical_corpus_compiles_and_meets_reference(kernel):
    reason = _native_skip()
    if reason:
        pytest.skip(reason)
    from xpiler.oracle.native import run_native
    text = print_module(lift(parse_file(kernel.source)))
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        out = run_native(text, "vnni", kernel.reference.ENTRY, kernel.reference.PARAMS, inputs)
        assert_outputs_match(kernel, out, kernel.reference.reference(inputs))
