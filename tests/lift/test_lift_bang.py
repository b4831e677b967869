"""Lifting BANG C: the task loop and its built-ins, NRAM per task, refusals, and the loop
semantics of every intrinsic in xpiler/catalog/bang.toml against the interpreter's implementation.

Each comparison runs one program twice: as BANG in the interpreter (xpiler/interp/intrinsics/
bang.py is the ground truth) and lifted to the canonical form, printed, parsed back as plain C and
run in the interpreter; the outputs must agree bit for bit (a few float reductions: within the
ulps their summation order allows).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pytest

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.intrinsics import catalog
from xpiler.lift import lift
from xpiler.lift.detensorize_bang import forms, select_form, snippet
from xpiler.printer import print_module
from tests.corpus_support import assert_outputs_match, corpus

BF16 = "bfloat16_t"


def canonical(src: str, name: str = "t.mlu") -> ir.Module:
    module = parse(src, name)
    return parse(print_module(lift(module)), name + ".canonical.cpp", "vnni")


def run_both(src: str, entry: str, inputs: dict) -> tuple[dict, dict]:
    """(outputs of the BANG program, outputs of its canonical form)."""
    bang = Interpreter(parse(src, "t.mlu")).run(entry, {k: v.copy() for k, v in inputs.items()})
    canon = Interpreter(canonical(src)).run(entry, {k: v.copy() for k, v in inputs.items()})
    return bang, canon


def launcher(kernel: str, params: list[tuple[str, str, int]], dim: tuple, ktype: str) -> str:
    """Host entry `<kernel>_kernel` copying the arrays `(type, name, count)` (count 0: a scalar
    passed as is) to GDRAM, launching and copying them back."""
    sig = ", ".join(f"{t}* {n}" if c else f"{t} {n}" for t, n, c in params)
    body = ["  cnrtQueue_t q;", "  cnrtQueueCreate(&q);"]
    for t, n, c in params:
        if c:
            body += [f"  {t}* d_{n} = NULL;", f"  cnrtMalloc((void**)&d_{n}, {c} * sizeof({t}));",
                     f"  cnrtMemcpy(d_{n}, {n}, {c} * sizeof({t}), cnrtMemcpyHostToDev);"]
    body += [f"  cnrtDim3_t dim = {{{dim[0]}, {dim[1]}, {dim[2]}}};",
             f"  cnrtFunctionType_t ktype = {ktype};",
             f"  {kernel}<<<dim, ktype, q>>>({', '.join(('d_' if c else '') + n for _, n, c in params)});",
             "  cnrtQueueSync(q);"]
    for t, n, c in params:
        if c:
            body += [f"  cnrtMemcpy({n}, d_{n}, {c} * sizeof({t}), cnrtMemcpyDevToHost);", f"  cnrtFree(d_{n});"]
    return f'extern "C" void {kernel}_kernel({sig}) {{\n' + "\n".join(body) + "\n}"


# ---- the task loop ------------------------------------------------------------------------------

BUILTINS = ["taskId", "taskIdX", "taskIdY", "taskIdZ", "taskDim", "taskDimX", "taskDimY", "taskDimZ",
            "coreId", "coreDim", "clusterId", "clusterDim"]


def builtins_program(ktype: str, dim: tuple[int, int, int]) -> str:
    stores = "\n".join(f"  out[taskId * {len(BUILTINS)} + {i}] = {b};" for i, b in enumerate(BUILTINS))
    n = dim[0] * dim[1] * dim[2] * len(BUILTINS)
    return f"""#include <bang.h>
#include <cnrt.h>
__mlu_global__ void k(int* out) {{
{stores}
}}
""" + launcher("k", [("int", "out", n)], dim, ktype)


@pytest.mark.parametrize("ktype, dim", [("cnrtFuncTypeBlock", (3, 2, 2)), ("cnrtFuncTypeUnion1", (4, 3, 1)),
                                        ("cnrtFuncTypeUnion2", (16, 1, 2)), ("cnrtFuncTypeUnion4", (16, 1, 1))])
def test_task_builtins_follow_bang_md_section_2(ktype, dim):
    n = dim[0] * dim[1] * dim[2] * len(BUILTINS)
    bang, canon = run_both(builtins_program(ktype, dim), "k_kernel", {"out": np.full(n, -1, np.int32)})
    np.testing.assert_array_equal(canon["out"], bang["out"])
    table = canon["out"].reshape(-1, len(BUILTINS))
    if ktype == "cnrtFuncTypeBlock":                      # Block: clusterDim 0, one core
        assert set(table[:, BUILTINS.index("clusterDim")]) == {0}


def test_canonical_shape_task_loop_and_per_task_arrays():
    src = """#include <bang.h>
#include <cnrt.h>
__nram__ float scratch[64];
__mlu_global__ void k(float* x, float* y) {
  __nram__ float a[16];
  __memcpy(a, x + taskId * 16, 16 * sizeof(float), GDRAM2NRAM);
  __sync_io();
  __bang_add(scratch, a, a, 16);
  __memcpy(y + taskId * 16, scratch, 16 * sizeof(float), NRAM2GDRAM);
}
""" + launcher("k", [("float", "x", 64), ("float", "y", 64)], (4, 1, 1), "cnrtFuncTypeUnion1")
    text = print_module(lift(parse(src, "t.mlu")))
    assert "#pragma omp parallel for\n    for (int __task = 0; __task < __dim_x * __dim_y * __dim_z; __task++) {" in text
    loop = text[text.index("for (int __task"):]
    assert "float scratch[64];" in loop and "float a[16];" in loop          # per task, in the loop
    assert "__nram__" not in text and "__sync_io" not in text and "__bang_add(" not in text
    assert "#pragma xpiler region __bang_add" in text and "#pragma xpiler region __memcpy" in text
    x = np.arange(64, dtype=np.float32)
    bang, canon = run_both(src, "k_kernel", {"x": x, "y": np.zeros(64, np.float32)})
    np.testing.assert_array_equal(canon["y"], 2 * x)
    np.testing.assert_array_equal(canon["y"], bang["y"])


def test_return_device_helpers_and_file_scope_nram():
    # `tail` reads taskId (inlined into the task), `twice` does not (kept as a static helper);
    # tasks past the data return early, from inside a loop too
    src = """#include <bang.h>
#include <cnrt.h>
__nram__ int8_t pool[4096];
__mlu_func__ void twice(float* v, int n) {
  __bang_add(v, v, v, n);
}
__mlu_func__ int tail(int n) {
  return n - taskId * 8;
}
__mlu_global__ void k(float* x, float* y, int n) {
  float* buf = (float*)pool;
  if (taskId * 8 >= n) {
    return;
  }
  for (int i = 0; i < 8; ++i) {
    const int left = tail(n);
    if (i >= left) {
      return;
    }
    __memcpy(buf + i, x + taskId * 8 + i, sizeof(float), GDRAM2NRAM);
    twice(buf + i, 1);
    __memcpy(y + taskId * 8 + i, buf + i, sizeof(float), NRAM2GDRAM);
  }
}
""" + launcher("k", [("float", "x", 48), ("float", "y", 48), ("int", "n", 0)], (6, 1, 1), "cnrtFuncTypeBlock")
    lifted = lift(parse(src, "t.mlu"))
    assert [f.name for f in lifted.functions] == ["twice", "k_kernel"]
    x = np.arange(48, dtype=np.float32) + 1
    bang, canon = run_both(src, "k_kernel", {"x": x, "y": np.zeros(48, np.float32), "n": np.int32(21)})
    np.testing.assert_array_equal(canon["y"], bang["y"])
    assert canon["y"][20] == 42 and canon["y"][21] == 0


REFUSALS = [
    ("__mlu_shared__ float s[64];\n__mlu_global__ void k(float* y) {\n  y[0] = s[0];\n}",
     "BLOCK", 3, "not supported: __mlu_shared__ (SRAM) memory in the Block launch of 'k'"),
    ("__mlu_global__ void k(float* y) {\n  y[taskId] = 1.0f;\n  __sync_cluster();\n  y[0] = y[1];\n}",
     "BLOCK", 3, "not supported: __sync_cluster() in the Block launch of 'k'"),
    ("__mlu_global__ void k(float* y) {\n  y[taskId] = 1.0f;\n  __sync_all_mpu();\n  y[0] = y[1];\n}",
     "UNION1", 3, "not supported: __sync_all_mpu()"),
    ("__mlu_global__ void k(float* y) {\n  __mlu_shared__ float s[4] = {1};\n  y[0] = s[0];\n}",
     "UNION1", 2, "not supported: the initialised __mlu_shared__ (SRAM) variable 's'"),
    ("__mlu_global__ void k(float* y) {\n  __nram__ float a[8];\n  y[0] = __bang_count(a, 8);\n}",
     "UNION1", 3, "cannot translate __bang_count whose result is used"),
    ("__mlu_global__ void k(float* y) {\n  __nram__ float a[8];\n  __bang_active_exp((int*)a, (int*)a, 8);\n}",
     "UNION1", 3, "cannot translate __bang_active_exp on int (loop semantics for half, bfloat16_t, float only)"),
    ("__mlu_global__ void k(float* y) {\n  __nram__ float a[8] = {1};\n  y[0] = a[0];\n}",
     "UNION1", 2, "cannot translate the initialised nram variable 'a'"),
    ("__mlu_func__ int f() { return taskId; }\n__mlu_global__ void k(float* y) {\n  if (f() > 1) y[0] = 1;\n}",
     "UNION1", 3, "cannot translate a call of 'f' in a condition"),
    ("__mlu_global__ void k(float* y) {\n  __nram__ float a[8];\n  y[0] = 1;\n  { float a = 2; y[1] = a; }\n}",
     "UNION1", 2, "cannot translate the nram variable 'a' (another declaration"),
]


@pytest.mark.parametrize("kernel, ktype, line, message", REFUSALS, ids=lambda v: str(v)[:24])
def test_refusals_name_the_construct_and_its_line(kernel, ktype, line, message):
    src = f"""#include <bang.h>
#include <cnrt.h>
{kernel}
extern "C" void k_kernel(float* y) {{
  cnrtQueue_t q;
  cnrtDim3_t dim = {{4, 1, 1}};
  k<<<dim, cnrtFuncType{ktype.title()}, q>>>(y);
}}"""
    with pytest.raises(XpilerError) as e:
        lift(parse(src, "t.mlu"))
    assert message in e.value.message
    assert e.value.span is not None and e.value.span.line == line + 2


def test_refuses_a_function_type_chosen_at_run_time():
    src = """#include <bang.h>
#include <cnrt.h>
__mlu_global__ void k(float* y) {
  y[taskId] = 1.0f;
}
extern "C" void k_kernel(float* y, int n) {
  cnrtQueue_t q;
  cnrtDim3_t dim = {4, 1, 1};
  cnrtFunctionType_t ktype = cnrtFuncTypeBlock;
  if (n > 4) {
    ktype = cnrtFuncTypeUnion1;
  }
  k<<<dim, ktype, q>>>(y);
}"""
    with pytest.raises(XpilerError, match="function type is not a constant"):
        lift(parse(src, "t.mlu"))


# ---- every intrinsic's semantics against the interpreter -----------------------------------------

B = 1024                                   # bytes per staging buffer and task
TASKS = 2
NAN_OPS = ("max", "min", "argmax", "argmin", "maxequal", "minequal", "maximum", "minimum", "pool")


@dataclass
class Case:
    call: str
    types: dict                              # buffer -> element type of its random contents
    out: str                                 # element type the result buffer is compared in
    result: str = "go0"                      # GDRAM buffer holding the result
    ulps: int = 0                            # float sums: summation order may differ
    nan: bool = False                        # sprinkle NaN into float inputs
    ties: bool = False                       # conversions: halves, large values, NaN, inf
    signed_zeros: bool = True                # False: max(+0, -0) may be either (IEEE leaves it open)
    skip: tuple = field(default=())          # copy-backs the call replaces (it writes GDRAM)

    @property
    def name(self) -> str:
        return self.call.split("(")[0]


NP = {"float": np.float32, "half": np.float16, "int": np.int32, "int16_t": np.int16, "int8_t": np.int8,
      "uint8_t": np.uint8, "char": np.int8, "short": np.int16, "unsigned int": np.uint32,
      "uint16_t": np.uint16, "unsigned short": np.uint16, BF16: np.uint16}


def probe_program(case: Case) -> str:
    post = [f"__memcpy(go0 + taskId * {B}, r0, {B}, NRAM2GDRAM);",
            f"__memcpy(go1 + taskId * {B}, r1, {B}, NRAM2GDRAM);",
            f"__memcpy(go2 + taskId * {B}, l0, {B}, LDRAM2GDRAM);"]
    post = [p for p in post if p.split("(")[1].split(" ")[0] not in case.skip]
    return f"""#include <bang.h>
#include <cnrt.h>
__mlu_global__ void probe(int8_t* gi0, int8_t* gi1, int8_t* gw, int8_t* go0, int8_t* go1, int8_t* go2) {{
  __nram__ int8_t i0[{B}];
  __nram__ int8_t i1[{B}];
  __nram__ int8_t r0[{B}];
  __nram__ int8_t r1[{B}];
  __wram__ int8_t w0[{B}];
  __ldram__ int8_t l0[{B}];
  __memcpy(i0, gi0 + taskId * {B}, {B}, GDRAM2NRAM);
  __memcpy(i1, gi1 + taskId * {B}, {B}, GDRAM2NRAM);
  __memcpy(w0, gw + taskId * {B}, {B}, GDRAM2WRAM);
  __memcpy(r0, go0 + taskId * {B}, {B}, GDRAM2NRAM);
  __memcpy(r1, go1 + taskId * {B}, {B}, GDRAM2NRAM);
  __memcpy(l0, go2 + taskId * {B}, {B}, GDRAM2LDRAM);
  {case.call};
  {chr(10).join(post)}
}}
""" + launcher("probe", [("int8_t", n, TASKS * B) for n in ("gi0", "gi1", "gw", "go0", "go1", "go2")],
                  (TASKS, 1, 1), "cnrtFuncTypeBlock")


def random_bytes(rng, t: str, nan: bool, ties: bool) -> np.ndarray:
    """Random contents of a staging buffer of element type t; floats include signed zeros
    (sign(0), x / 0) and, on request, NaNs (NaN rules of max/min) or, for conversions, exact
    halves, values out of the integer ranges, infinities and NaNs."""
    count = TASKS * B // np.dtype(NP[t]).itemsize
    pick = lambda p: rng.random(count) < p
    if t in ("float", "half", BF16):
        v = rng.standard_normal(count) * 3
        if ties:
            v = np.where(pick(0.5), np.round(rng.standard_normal(count) * 200) / 2, v * 30)
            v[pick(0.1)] = rng.standard_normal(count)[:1] * 1e5
            v[pick(0.05)] = np.inf
            v[pick(0.05)] = -np.inf
        if nan or ties:
            v[pick(0.1)] = np.nan
            v[0] = np.nan                                # task 0 starts with a NaN, task 1 may not
        v[pick(0.08)] = 0.0
        v[pick(0.05)] = -0.0
        if t == BF16:
            return (v.astype(np.float32).view(np.uint32) >> 16).astype(np.uint16).view(np.int8)
        with np.errstate(over="ignore"):
            return v.astype(NP[t]).view(np.int8)
    info = np.iinfo(NP[t])
    hi = min(info.max, 3000 if ties else 100)
    v = rng.integers(max(info.min, -hi), hi + 1, count)
    v[v == 0] = 1                                        # divisors
    return v.astype(NP[t]).view(np.int8)


def run_case(case: Case, seed: int = 0) -> None:
    rng = np.random.default_rng(seed)
    inputs = {}
    for buf in ("gi0", "gi1", "gw", "go0", "go1", "go2"):
        inputs[buf] = random_bytes(rng, case.types.get(buf, "float"), case.nan, case.ties)
    t = case.types.get("gi0", "float")
    if case.types.get("gi1", "float") == t:                     # equal elements for comparisons
        a, b = inputs["gi0"].view(NP[t]), inputs["gi1"].view(NP[t])
        b[::3] = a[::3]
    src = probe_program(case)
    bang, canon = run_both(src, "probe_kernel", inputs)
    for buf in ("go0", "go1", "go2"):
        got, want = canon[buf], bang[buf]
        if buf != case.result:
            np.testing.assert_array_equal(got, want, err_msg=f"{case.call}: {buf}")
            continue
        assert_same(got.view(NP[case.out]), want.view(NP[case.out]), case)


def assert_same(got: np.ndarray, want: np.ndarray, case: Case) -> None:
    """Bit for bit (any NaN matches any NaN); `case.ulps` allows float sums that many ulps."""
    if case.out == BF16:                      # bfloat16 bits: compare as float32
        got = (got.astype(np.uint32) << 16).view(np.float32)
        want = (want.astype(np.uint32) << 16).view(np.float32)
    if got.dtype.kind != "f":
        np.testing.assert_array_equal(got, want, err_msg=case.call)
        return
    bits = np.dtype(f"u{got.dtype.itemsize}")
    ok = (got.view(bits) == want.view(bits)) | (np.isnan(got) & np.isnan(want))
    if not case.signed_zeros:
        ok |= (got == 0) & (want == 0)
    if case.ulps and not ok.all():
        np.testing.assert_array_max_ulp(got[~ok], want[~ok], maxulp=case.ulps * (65536 if case.out == BF16 else 1))
        return
    bad = np.flatnonzero(~ok)
    assert not bad.size, (f"{case.call}: {bad.size} elements differ, first at {bad[0]}: "
                          f"got {got[bad[0]]!r}, the interpreter {want[bad[0]]!r}")


def cases() -> list[Case]:
    out: list[Case] = []
    all_t = ("float", "half", BF16, "int16_t", "int")
    # §5 data movement and fills
    for name in ("__memcpy", "__memcpy_async"):
        out += [Case(f"{name}(r0, i0, 100, NRAM2NRAM)", {}, "int8_t"),
                Case(f"{name}(r0, i0, 24, NRAM2NRAM, 40, 28, 5)", {}, "int8_t"),
                Case(f"{name}(r0, i0 + 120, 8, NRAM2NRAM, 12, 2, 40, 3, 8, 3, -36, 2)", {}, "int8_t"),
                Case(f"{name}(go0 + taskId * {B} + 4, i0, 64, NRAM2GDRAM, 80, 64, 3)", {}, "int8_t",
                     skip=("go0",))]
    out += [Case("__bang_move(r0, i0, 100)", {}, "int8_t"),
            Case("__bang_move(r0, i0, 24, 40, 28, 5)", {}, "int8_t"),
            Case("__bang_move(r0, i0 + 120, 8, 12, 2, 40, 3, 8, 3, -36, 2)", {}, "int8_t")]
    for v, value in (("half", "(half)2.5"), ("float", "-1.25f"), ("int", "(int)-7"), ("short", "(short)300"),
                     ("char", "(char)5"), (BF16, "(bfloat16_t)0.75f")):
        out += [Case(f"__bang_write_value(r0, 37, {value})", {}, v),
                Case(f"__bang_write_value(r0, 5, {value}, 24, 2, 100, 1)", {}, v),
                Case(f"__memset_nram(r0, 37, {value})", {}, v),
                Case(f"__nramset(r0, 37, {value})", {}, v),
                Case(f"__nramset(r0, 5, {value}, 28, 3)", {}, v),
                Case(f"__nramset(r0, 5, {value}, 24, 2, 100, 1)", {}, v),
                Case(f"__gdramset(go0 + taskId * {B}, 37, {value})", {}, v, skip=("go0",)),
                Case(f"__ldramset(l0, 37, {value})", {}, v, result="go2")]
    for t in all_t:
        out.append(Case(f"__bang_write_zero(({t}*)r0, 37)", {}, t))
    # §6.1-6.3 element-wise
    for t in all_t:
        ty = {"gi0": t, "gi1": t, "go0": t, "go1": t}
        nan = t in ("float", "half")
        for op in ("add", "sub", "mul", "div", "maxequal", "minequal", "maximum", "minimum", "nan_maximum",
                   "nan_minimum", "eq", "ne", "gt", "ge", "lt", "le", "and", "or", "xor"):
            ieee = op in ("maximum", "minimum", "nan_maximum", "nan_minimum")      # max(+0, -0): either
            out.append(Case(f"__bang_{op}(({t}*)r0, ({t}*)i0, ({t}*)i1, 37)", ty, t, signed_zeros=not ieee,
                            nan=nan and (ieee or op in ("maxequal", "minequal", "eq", "ne"))))
        out.append(Case(f"__bang_div(({t}*)r0, ({t}*)i0, ({t})3.5f, 37)", ty, t))
        out.append(Case(f"__bang_div(({t}*)r0, ({t}*)i0, ({t}*)i1, ({t}*)r1, 37)", ty, t))
        for op in ("add", "sub", "mul", "div", "maximum", "minimum", "eq", "ne", "gt", "ge", "lt", "le"):
            out.append(Case(f"__bang_{op}_scalar(({t}*)r0, ({t}*)i0, ({t})1.75f, 37)", ty, t))
        for op in ("maximum", "minimum"):
            out.append(Case(f"__bang_{op}_scalar(({t}*)r0, ({t}*)i0, ({t})-0.0f, 37)", ty, t, nan=nan,
                            signed_zeros=False))
        for op in ("add", "sub", "mul", "maxequal", "minequal", "eq", "ne", "gt", "ge", "lt", "le", "and",
                   "or", "xor", "band", "bor", "bxor"):
            out.append(Case(f"__bang_cycle_{op}(({t}*)r0, ({t}*)i0, ({t}*)i1, 36, 12)", ty, t))
        for op in ("eq", "ne", "gt", "ge", "lt", "le"):
            out.append(Case(f"__bang_{op}_bitindex(({t}*)r0, ({t}*)i0, ({t}*)i1, 37)", ty, "uint8_t"))
    for t in ("float", "half"):
        for op in ("add", "sub", "mul"):
            out.append(Case(f"__bang_{op}_const(({t}*)r0, ({t}*)i0, ({t})0.3f, 37)", {"gi0": t}, t))
    for op in ("band", "bor", "bxor"):
        out.append(Case(f"__bang_{op}((char*)r0, (char*)i0, (char*)i1, 37)", {}, "int8_t"))
    out.append(Case("__bang_bnot((char*)r0, (char*)i0, 37)", {}, "int8_t"))
    # §6.4 unary
    unary = [n for n, e in catalog().items() if e.family == "bang" and "semantics" in e.data
             and [p.name for p in e.params] == ["dst", "src", "n"] and e.params[0].ctype == "T*"
             and n not in ("__bang_reduce_sum", "__bang_argmax", "__bang_argmin", "__bang_max", "__bang_min")]
    for n in unary:
        for t in ("float", "half", BF16):
            out.append(Case(f"{n}(({t}*)r0, ({t}*)i0, 37)", {"gi0": t}, t, ulps=1 if t == BF16 else 0))
    # §6.5 conversions
    types = {"float": "float", "half": "half", "bfloat16": BF16, "int32": "int", "int16": "int16_t",
             "int8": "int8_t"}
    for n, e in catalog().items():
        if e.family != "bang" or "semantics" not in e.data or "2" not in n or not n.startswith("__bang_"):
            continue
        m = re.match(r"__bang_(float|half|bfloat16|int32|int16|int8)2(float|half|bfloat16|int32|int16|int8)", n)
        if not m:
            continue
        src, dst = m.groups()
        ty = {"gi0": types[src], "go0": types[dst]}
        out.append(Case(f"{n}(({types[dst]}*)r0, ({types[src]}*)i0, 37)", ty, types[dst], ties=True))
        if e.data.get("forms"):
            out.append(Case(f"{n}(({types[dst]}*)r0, ({types[src]}*)i0, 37, -3)", ty, types[dst], ties=True))
            out.append(Case(f"{n}(({types[dst]}*)r0, ({types[src]}*)i0, 37, 2)", ty, types[dst], ties=True))
    # §7 reductions
    for t in ("float", "half"):
        ty = {"gi0": t}
        out.append(Case(f"__bang_reduce_sum(({t}*)r0, ({t}*)i0, {2 * 128 // (4 if t == 'float' else 2)})", ty, t, ulps=1))
        for n in ("argmax", "argmin", "max", "min"):
            out.append(Case(f"__bang_{n}(({t}*)r0, ({t}*)i0, 37)", ty, "uint8_t"))
            out.append(Case(f"__bang_{n}(({t}*)r0, ({t}*)i0, 37)", ty, "uint8_t", ties=True))
            out.append(Case(f"__bang_{n}(({t}*)r0, ({t}*)i1, 37)", {"gi1": t}, "uint8_t", nan=True))
    # §8 pooling and layout
    for t in ("float", "half"):
        ty = {"gi0": t}
        for n in ("sumpool", "avgpool", "maxpool", "minpool"):
            ulps = 1 if n in ("sumpool", "avgpool") else 0
            extreme = n in ("maxpool", "minpool")
            z = not extreme
            out += [Case(f"__bang_{n}(({t}*)r0, ({t}*)i0, 3, 7, 6, 3, 2, 2, 1)", ty, t, ulps=ulps, nan=extreme,
                         signed_zeros=z),
                    Case(f"__bang_{n}(({t}*)r0, ({t}*)i0, 3, 7, 6, 3, 2)", ty, t, ulps=ulps, signed_zeros=z),
                    Case(f"__bang_{n}(({t}*)r0, ({t}*)i0, 3, 7, 6, 3, 2, 2, 1, 2, 1, 1, 1)", ty, t, ulps=ulps,
                         signed_zeros=z)]
    for t in ("float", "int16_t"):
        ty = {"gi0": t}
        out += [Case(f"__bang_transpose(({t}*)r0, ({t}*)i0, 5, 7)", ty, t),
                Case(f"__bang_reshape_nhwc2nchw(({t}*)r0, ({t}*)i0, 2, 3, 2, 4)", ty, t),
                Case(f"__bang_reshape_filter(({t}*)r0, ({t}*)i0, 2, 3, 2, 4)", ty, t)]
    # §9 mlp, matmul, conv
    for tin, tout, pos in (("int8_t", "float", -3), ("int16_t", "half", -14)):
        ty = {"gi0": tin, "gw": tin, "gi1": tout}
        out += [Case(f"__bang_mlp(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, 8, 16, {pos})", ty, tout),
                Case(f"__bang_mlp(({tout}*)r0, ({tin}*)i0, ({tout}*)i1, ({tin}*)w0, 8, 16, {pos})", ty, tout),
                Case(f"__bang_matmul(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, 3, 16, 5, {pos})", ty, tout),
                Case(f"__bang_matmul(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, ({tout}*)i1, 3, 16, 5, {pos})", ty, tout),
                Case(f"__bang_conv(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, 3, 5, 6, 2, 3, 2, 1, 4, {pos})", ty, tout),
                Case(f"__bang_conv(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, 3, 5, 6, 2, 3, 2, 1, 4, {pos}, 2, 1)", ty, tout),
                Case(f"__bang_conv(({tout}*)r0, ({tin}*)i0, ({tin}*)w0, ({tout}*)i1, 3, 5, 6, 2, 3, 2, 1, 4, {pos})",
                     ty, tout)]
    for tin in ("float", "half"):
        ty = {"gi0": tin, "gw": tin}
        out += [Case(f"__bang_mlp((float*)r0, ({tin}*)i0, ({tin}*)w0, 8, 12)", ty, "float", ulps=1),
                Case(f"__bang_matmul((float*)r0, ({tin}*)i0, ({tin}*)w0, 3, 8, 5)", ty, "float", ulps=1),
                Case(f"__bang_conv((float*)r0, ({tin}*)i0, ({tin}*)w0, 3, 5, 6, 2, 3, 2, 1, 4)", ty, "float", ulps=1)]
    # §10 atomic reductions into GDRAM: both tasks update the same elements (float sums: each task
    # its own, the order of rounding differs), the scalar form with and without a size
    for op in ("add", "max", "min", "and", "or", "xor"):
        for t in (("int", "short", "float", "half", BF16) if op in ("add", "max", "min") else ("int", "short")):
            ty = {"gi0": t, "go0": t}
            dst = f"({t}*)(go0 + taskId * {B}) + 3" if op == "add" and t not in ("int", "short") else f"({t}*)go0 + 3"
            nan = op != "add" and t in ("float", "half")
            out += [Case(f"__bang_atomic_reduce_{op}({dst}, ({t}*)i0, 37)", ty, t, nan=nan, skip=("go0",)),
                    Case(f"__bang_atomic_reduce_{op}({dst}, ({t})i0[5], 37)", ty, t, skip=("go0",)),
                    Case(f"__bang_atomic_reduce_{op}({dst}, ({t})i0[9])", ty, t, skip=("go0",))]
    return out


CASES = cases()


@pytest.mark.parametrize("case", CASES, ids=[c.call for c in CASES])
def test_semantics_snippet_matches_the_interpreter(case):
    run_case(case)


def test_every_snippet_and_form_is_checked():
    """Each (intrinsic, form) with semantics in bang.toml has a case above."""
    covered = set()
    for case in CASES:
        module = parse(f"#include <bang.h>\n__mlu_global__ void k(int8_t* go0) {{\n"
                       f"__nram__ int8_t i0[8]; __nram__ int8_t i1[8]; __nram__ int8_t r0[8];\n"
                       f"__nram__ int8_t r1[8]; __wram__ int8_t w0[8]; __ldram__ int8_t l0[8];\n"
                       f"{case.call};\n}}", "t.mlu")
        call = module.functions[-1].body.stmts[-1].expr
        covered.add((call.callee, select_form(catalog()[call.callee], call)[0]))
    missing = [(name, i) for name, e in catalog().items() if e.family == "bang"
               for i in range(len(forms(e))) if snippet(e, i) and (name, i) not in covered]
    assert not missing, f"semantics without a test case: {missing[:10]}"


# ---- the canonical corpus programs compiled with g++ ---------------------------------------------

def _native_skip() -> str | None:
    from xpiler.oracle import native
    missing = native.available("vnni")
    if missing:
        return f"cannot compile the canonical form: {missing}"
    if not native.cpu_runs_vnni():
        return "this CPU lacks avx512_vnni (the vnni compile flags may emit AVX-512)"
    return None


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.name) for k in corpus("bang")])
def test_canonical_corpus_compiles_and_meets_reference(kernel):
    """Real C semantics of the lifted programs (g++), not only the interpreter's."""
    reason = _native_skip()
    if reason:
        pytest.skip(reason)
    from xpiler.oracle.native import run_native
    # the canonical program as C++ (the vnni emitter adds only a preamble: half = _Float16, ...)
    from xpiler.emit.vnni import emit as emit_vnni
    text = emit_vnni(lift(parse(kernel.source.read_text(), str(kernel.source))))
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        out = run_native(text, "vnni", kernel.reference.ENTRY, kernel.reference.PARAMS, inputs)
        assert_outputs_match(kernel, out, kernel.reference.reference(inputs))
