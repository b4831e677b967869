"""BANG C emitter (emit/bang.py): every translation is checked against numpy references twice —
the emitted text parsed back by xpiler's own front end (platform bang) and run in the
interpreter, and compiled with g++ over the BANG emulation headers (oracle/include/bang.h,
cnrt.h) and run natively. Static checks cover what neither run can see: kernels receive only
device pointers, `__nram__` stays within the budget, Block kernels never synchronise clusters.
Constructs without a faithful mapping are refused with a "cannot translate ... to bang" error."""
from __future__ import annotations

import re

import numpy as np
import pytest

from emit.bang import NRAM_BUDGET, emit
from oracle.native import available, run_native
from tests.corpus_support import assert_outputs_match, corpus
from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse, parse_file
from xpiler.interp import Interpreter
from xpiler.irutil import walk
from xpiler.lift import lift
from xpiler.types import Pointer, Space, sizeof

KERNELS = {k.id: k for k in corpus("cuda") + corpus("hip") + corpus("bang")}
# one of each mapping feature, interpreter-fast: float4 structs and pointers (add_f4, hip/gather),
# half and a device helper (gelu_f16), 2-D __nram__ tiles (depthwise_conv), two launches
# (pool2d), plain copies (concat*, gather_rows), a BANG source (add_tail: bang -> bang)
TRANSLATIONS = ["cuda/add_f4", "cuda/gelu_f16", "cuda/depthwise_conv", "cuda/concat_channels",
                "cuda/gather_rows", "cuda/pool2d", "hip/gather", "hip/concat", "bang/add_tail"]
# compiled and run natively only: the interpreter runs their serial thread loops for 10 s to
# minutes each (per-kernel results of both checks are in the report of this emitter)
NATIVE_ONLY = ["cuda/reduce_sum_max", "cuda/gemm_wmma", "cuda/mha_wmma", "cuda/softmax_rows",
               "cuda/conv2d_nchw", "cuda/gemv_sigmoid", "hip/gemm_mfma_f16", "hip/gqa_attention",
               "hip/gemm_lds", "hip/rmsnorm", "hip/transpose", "hip/depthwise_conv", "bang/attention",
               "bang/gemm_matmul"]


def native(text: str, entry: str, params: list[str], inputs: dict) -> dict:
    reason = available("bang")
    if reason:
        pytest.skip(f"cannot compile BANG C with the emulation header: {reason}")
    return run_native(text, "bang", entry, params, inputs)


def static_checks(text: str, entry: str) -> None:
    """Kernel pointer arguments are cnrtMalloc'd (or derived from such), NRAM fits, no
    cluster barriers in Block kernels, no libc allocation in device code."""
    module = parse(text, entry + ".mlu", "bang")
    host = module.function(entry)
    device: set[str] = set()
    for n in walk(host.body):
        if isinstance(n, ir.Call) and n.callee == "cnrtMalloc":
            inner = n.args[0]
            while isinstance(inner, (ir.Cast, ir.AddressOf)):
                inner = inner.operand
            device.add(inner.name)
    changed = True
    while changed:                      # pointers copied or offset from device pointers
        changed = False
        for n in walk(host.body):
            name, value = (n.name, n.init) if isinstance(n, ir.Decl) else \
                (n.target.name, n.value) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) else (None, None)
            if name and name not in device and isinstance(value, ir.Expr) and isinstance(value.type, Pointer) \
                    and {v.name for v in walk(value) if isinstance(v, ir.Var) and isinstance(v.type, Pointer)} \
                    and {v.name for v in walk(value) if isinstance(v, ir.Var) and isinstance(v.type, Pointer)} <= device:
                device.add(name)
                changed = True
    launches = [n for n in walk(host.body) if isinstance(n, ir.Launch)]
    assert launches, "no kernel launch"
    for launch in launches:
        assert launch.config[1] == ir.EnumConst("cnrtFuncTypeBlock", 1, launch.config[1].type)
        for a in launch.args:
            if isinstance(a.type, Pointer):
                assert isinstance(a, ir.Var) and a.name in device, f"host pointer {a} passed to {launch.kernel}"
    for k in module.kernels:
        nram = sum(sizeof(n.type) for n in walk(k.body) if isinstance(n, ir.Decl) and n.space is Space.NRAM)
        assert nram <= NRAM_BUDGET, f"{k.name}: {nram} bytes of __nram__"
        calls = {n.callee for n in walk(k.body) if isinstance(n, ir.Call)}
        assert not calls & {"__sync_cluster", "__sync_all", "malloc", "free", "memcpy", "memset"}, calls
        assert re.search(rf"__mlu_global__ void {k.name}\(", text)
    for inc in ("#include <bang.h>", "#include <cnrt.h>"):
        assert inc in text
    for call in ("cnrtQueueCreate(&", "cnrtQueueSync(", "cnrtQueueDestroy("):
        assert call in text


def check_corpus(kernel_id: str, interpret: bool, **options) -> str:
    kernel = KERNELS[kernel_id]
    text = emit(lift(parse_file(kernel.source)), **options)
    ref = kernel.reference
    static_checks(text, ref.ENTRY)
    module = parse(text, kernel.name + ".mlu", "bang")
    for case in kernel.cases():
        inputs = kernel.inputs(case)
        expected = ref.reference({n: (v.copy() if hasattr(v, "copy") else v) for n, v in inputs.items()})
        if interpret:
            got = Interpreter(module).run(ref.ENTRY, {n: (v.copy() if hasattr(v, "copy") else v)
                                                      for n, v in inputs.items()})
            assert_outputs_match(kernel, {n: got[n] for n in ref.OUTPUTS}, expected)
        got = native(text, ref.ENTRY, ref.PARAMS, inputs)
        assert_outputs_match(kernel, {n: got[n] for n in ref.OUTPUTS}, expected)
    return text


@pytest.mark.parametrize("kernel_id", TRANSLATIONS)
def test_corpus_translation_meets_reference(kernel_id):
    text = check_corpus(kernel_id, interpret=True)
    assert "for (int __blk = taskId; __blk < __extent; __blk += taskDim)" in text or kernel_id.startswith("bang/")


@pytest.mark.parametrize("kernel_id", NATIVE_ONLY)
def test_corpus_translation_native(kernel_id):
    check_corpus(kernel_id, interpret=False)


@pytest.mark.parametrize("kernel_id", ["cuda/depthwise_conv", "cuda/add_f4", "cuda/gemm_tiled"])
def test_arrays_in_gdram_when_nram_is_short(kernel_id):
    """With no NRAM budget every per-task array is a slice of a GDRAM scratch buffer (2-D tiles
    indexed linearly); results unchanged. add_f4 has no per-task array: its float4 registers are
    small local arrays of each iteration of the thread loop."""
    text = check_corpus(kernel_id, interpret=kernel_id != "cuda/depthwise_conv", nram_budget=0)
    assert "__nram__" not in text
    if kernel_id == "cuda/add_f4":
        assert "__scratch" not in text and re.search(r"#pragma omp simd\n\s*for \(int __t = 0;[^}]*float va\[4\];", text)
    else:
        assert "(long long)taskId * " in text and "int8_t* __scratch" in text


def test_reduce_sum_max_atomics_and_bit_casts():
    text = emit(lift(parse_file(KERNELS["cuda/reduce_sum_max"].source)))
    assert "__bang_atomic_reduce_add(out_sum_1, s[__t], 1);" in text
    assert "__bang_atomic_reduce_max(max_key, float_to_ordered(m[__t]), 1);" in text


# ---- synthetic canonical programs ---------------------------------------------------------------

ATOMICS = """
#include <stdlib.h>
#include <string.h>
extern "C" void atomics(const float* x, float* total, int* imax, float* fmn, int* hist, int n) {
  float* d_x = (float*)malloc((unsigned long long)n * sizeof(float));
  float* d_t = (float*)malloc(sizeof(float));
  int* d_i = (int*)malloc(sizeof(int));
  float* d_f = (float*)malloc(sizeof(float));
  int* d_h = (int*)malloc(8 * sizeof(int));
  memcpy(d_x, x, (unsigned long long)n * sizeof(float));
  memset(d_t, 0, sizeof(float));
  memcpy(d_i, imax, sizeof(int));
  memcpy(d_f, fmn, sizeof(float));
  memset(d_h, 0, 8 * sizeof(int));
  #pragma omp parallel for
  for (int b = 0; b < (n + 31) / 32; b++) {
    int local[8];
    #pragma omp parallel for
    for (int k = 0; k < 8; k++) local[k] = 0;
    #pragma omp parallel for
    for (int t = 0; t < 32; t++) {
      const int i = b * 32 + t;
      if (i < n) {
        const float v = d_x[i];
        #pragma omp atomic
        *d_t += v;
        #pragma omp atomic
        *d_t -= 0.5f;
        const int q = (int)(v * 100.0f);
        #pragma omp critical
        {
          if (q > *d_i) *d_i = q;
        }
        #pragma omp critical
        {
          if (d_f[0] > v) d_f[0] = v;
        }
        #pragma omp atomic
        local[q & 7] += 1;
      }
    }
    #pragma omp parallel for
    for (int k = 0; k < 8; k++) {
      #pragma omp atomic
      d_h[k] += local[k];
    }
  }
  memcpy(total, d_t, sizeof(float));
  memcpy(imax, d_i, sizeof(int));
  memcpy(fmn, d_f, sizeof(float));
  memcpy(hist, d_h, 8 * sizeof(int));
  free(d_x);
  free(d_t);
  free(d_i);
  free(d_f);
  free(d_h);
}
"""


def run_both(text: str, entry: str, params: list[str], inputs: dict, expected: dict, rtol=1e-5, atol=1e-5):
    static_checks(text, entry)
    module = parse(text, entry + ".mlu", "bang")
    runs = [("interpreter", Interpreter(module).run(entry, {k: v.copy() for k, v in inputs.items()})),
            ("native", native(text, entry, params, {k: v.copy() for k, v in inputs.items()}))]
    for how, got in runs:
        for name, want in expected.items():
            np.testing.assert_allclose(got[name], want, rtol=rtol, atol=atol, err_msg=f"{how}: {name}")


@pytest.mark.parametrize("n", [1000, 31])          # 32 blocks over 16 tasks; one block, one task
def test_atomics_shared_and_task_private(n):
    text = emit(parse(ATOMICS, "atomics.cpp", "vnni"))
    for call in ("__bang_atomic_reduce_add(d_t, v, 1);", "__bang_atomic_reduce_add(d_t, -0.5f, 1);",
                 "__bang_atomic_reduce_max(d_i, q, 1);", "__bang_atomic_reduce_min(d_f + 0, v, 1);",
                 "__bang_atomic_reduce_add(d_h + k, local[k], 1);"):
        assert call in text
    assert "local[q & 7]++;" in text and "__nram__ int local[8];" in text     # task-private: plain
    assert "__sync" not in text and not re.search(r"#pragma omp (?!simd\n)", text)
    # the loop that updates through atomics is not marked independent, the zeroing loop is
    assert re.search(r"#pragma omp simd\n\s*for \(int k = 0; k < 8; k\+\+\)\n\s*local\[k\] = 0;", text)
    marked = [n for n in walk(parse(text, "atomics.mlu", "bang")) if isinstance(n, ir.For) and "omp simd" in n.pragmas]
    assert marked and not any(isinstance(c, ir.Call) and c.callee.startswith("__bang_atomic")
                              for loop in marked for c in walk(loop.body))
    x = np.random.default_rng(0).standard_normal(n).astype(np.float32)
    inputs = dict(x=x, total=np.zeros(1, np.float32), imax=np.full(1, -10**6, np.int32),
                  fmn=np.full(1, 1e30, np.float32), hist=np.zeros(8, np.int32), n=np.int32(n))
    q = (x * np.float32(100)).astype(np.int32)
    expected = dict(total=[x.astype(np.float64).sum() - 0.5 * n], imax=[q.max()], fmn=[x.min()],
                    hist=np.bincount(q & 7, minlength=8))
    run_both(text, "atomics", list(inputs), inputs, expected, rtol=1e-4, atol=1e-3)


MEMORY = """
#include <stdlib.h>
#include <string.h>
typedef bfloat16 bf16_t;
const float offset = 0.25f;
static inline float scale(float v, int k) { return v * (float)(k + 1) + offset; }
extern "C" void memory(const float* x, float* y, bf16_t* z, int rows, int cols) {
  float* d_x = (float*)malloc((unsigned long long)rows * cols * sizeof(float));
  float* d_y = (float*)malloc((unsigned long long)rows * cols * sizeof(float));
  bf16_t* d_z = (bf16_t*)malloc((unsigned long long)rows * sizeof(bf16_t));
  memcpy(d_x, x, (unsigned long long)rows * cols * sizeof(float));
  const unsigned long long row_bytes = (unsigned long long)cols * sizeof(float);
  #pragma omp parallel for
  for (int r = 0; r < rows; r++) {
    const float w[4] = {1.0f, 2.0f, 3.0f};
    float tile[8][16];
    float* buf = (float*)malloc(row_bytes);
    #pragma omp parallel for
    for (int t = 0; t < 8; t++) {
      float part[16];
      for (int k = 0; k < 16; k++) part[k] = (float)(t * 16 + k);
      for (int k = 0; k < 16; k++) tile[t][k] = part[k];
    }
    #pragma omp parallel for
    for (int c = 0; c < cols; c++)
      buf[c] = d_x[(unsigned long long)r * cols + c];
    #pragma omp parallel for
    for (int c = 0; c < cols; c++) {
      float part[2];
      part[0] = buf[cols - 1 - c];
      part[1] = tile[c % 8][c % 16] + w[c % 4];
      d_y[(unsigned long long)r * cols + c] = scale(part[0], c % 3) + part[1];
    }
    d_z[r] = (bf16_t)buf[0];
    free(buf);
  }
  memcpy(y, d_y, (unsigned long long)rows * cols * sizeof(float));
  memcpy(z, d_z, (unsigned long long)rows * sizeof(bf16_t));
  free(d_x);
  free(d_y);
  free(d_z);
}
"""


def memory_case(rows: int, cols: int):
    x = np.random.default_rng(3).standard_normal(rows * cols).astype(np.float32)
    X = x.reshape(rows, cols).astype(np.float64)
    c = np.arange(cols)
    y = X[:, cols - 1 - c] * (c % 3 + 1) + 0.25 + ((c % 8) * 16 + c % 16) + np.array([1, 2, 3, 0])[c % 4]
    z = (x.reshape(rows, cols)[:, 0].view(np.uint32) + 0x7FFF + ((x.reshape(rows, cols)[:, 0].view(np.uint32) >> 16) & 1)) >> 16
    inputs = dict(x=x, y=np.zeros(rows * cols, np.float32), z=np.zeros(rows, np.uint16),
                  rows=np.int32(rows), cols=np.int32(cols))
    return inputs, dict(y=y.ravel().astype(np.float32), z=z.astype(np.uint16))


@pytest.mark.parametrize("budget", [NRAM_BUDGET, 100, 0])
def test_per_task_memory(budget):
    """Per-block and per-thread arrays (two `part`s, renamed), an initialised array, a malloc of a
    run-time size (a GDRAM slice per task), NRAM / GDRAM placement, a bfloat16 output, a helper."""
    text = emit(parse(MEMORY, "memory.cpp", "vnni"), nram_budget=budget)
    assert "__mlu_func__ float scale(float v, int k)" in text and "bfloat16_t" in text
    assert "const float offset = 0.25f;" in text
    assert "(float*)(__dyn + (long long)taskId * __dyn_bytes)" in text and "free(" not in text
    assert "w[0] = 1.0f;" in text and "w[3] = 0;" in text
    nram = re.findall(r"__nram__ float (\w+)\[", text)
    assert {0: [], 100: ["w"], NRAM_BUDGET: ["w", "tile"]}[budget] == nram
    # per-thread arrays (at most PRIVATE_BYTES) stay one per iteration of their independent loop
    assert re.findall(r"#pragma omp simd\n\s*for \(int \w+ = 0;[^}]*\{\n\s*float (part\d)\[", text) == ["part1", "part2"]
    inputs, expected = memory_case(5, 37)
    run_both(text, "memory", list(inputs), inputs, expected)


BIT_CAST = """
#include <stdlib.h>
#include <string.h>
extern "C" void bits(const float* x, int* y, int n) {
  float* d_x = (float*)malloc(n * sizeof(float));
  int* d_y = (int*)malloc(n * sizeof(int));
  memcpy(d_x, x, n * sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) d_y[i] = __float_as_int(d_x[i]);
  memcpy(y, d_y, n * sizeof(int));
  free(d_x);
  free(d_y);
}
"""


def test_bit_casts():
    text = emit(parse(BIT_CAST, "bits.cpp", "vnni"))
    assert "__mlu_func__ int __float_as_int(float x) { int y; memcpy(&y, &x, sizeof(y)); return y; }" in text
    x = np.arange(40, dtype=np.float32) * 1.25 - 7.0
    inputs = dict(x=x, y=np.zeros(40, np.int32), n=np.int32(40))
    run_both(text, "bits", list(inputs), inputs, dict(y=x.view(np.int32)), rtol=0, atol=0)


# ---- refusals -----------------------------------------------------------------------------------

def _program(body: str, kernel: str, after: str = "") -> str:
    return f"""
#include <stdlib.h>
#include <string.h>
extern "C" void f(float* y, int n) {{
  float* d = (float*)malloc(n * sizeof(float));
  double* e = (double*)malloc(sizeof(double));
  memcpy(d, y, n * sizeof(float));
  {body}
  #pragma omp parallel for
  for (int i = 0; i < n; i++) {{
    {kernel}
  }}
  {after}
  memcpy(y, d, n * sizeof(float));
  free(d);
  free(e);
}}"""


REFUSED = {
    "host array": ("""
extern "C" void f(const float* x, float* y, int n) {
  #pragma omp parallel for
  for (int i = 0; i < n; i++) y[i] = x[i];
}""", "host array 'y', whose size is unknown"),
    "host access between kernels": (_program("", "d[i] = 1.0f;", "d[0] = 5.0f;"), "host array 'd'"),
    "loop form": (_program("", "d[i] = 1.0f;").replace("int i = 0;", "int i = 1;"), "not in the form"),
    "critical section": (_program("", "#pragma omp critical\n{ d[0] = d[0] * 0.5f + (float)i; }"),
                         "'omp critical' section other than a max/min update"),
    "atomic multiply": (_program("", "#pragma omp atomic\nd[0] *= 1.5f;"), "other than += or -="),
    "atomic double": (_program("", "#pragma omp atomic\ne[0] += 1.5;"), "atomic update of double"),
    "atomic int by float": (_program("int* k = (int*)malloc(4);", "#pragma omp atomic\nk[0] += 0.5f;",
                                     "free(k);"), "atomic update of int by a float"),
    "malloc in a loop": (_program("", "for (int k = 0; k < 2; k++) { float* t = (float*)malloc(8); d[i] = t[0]; }"),
                         "malloc in a loop"),
    "malloc of a per-block size": (_program("", "float* t = (float*)malloc(i * 4); d[i] = t[0];"),
                                   "not known before the launch"),
    "return in a parallel loop": (_program("", "if (i == 3) return;\nd[i] = 1.0f;"), "a 'return' in the body"),
    "break in a parallel loop": (_program("", "if (i == 3) break;\nd[i] = 1.0f;"), "a 'break' in the body"),
    # a kernel reads a file-scope scalar as a parameter (by value); a helper it calls cannot
    "file-scope variable": ("float g = 1.0f;\nstatic inline float get_g(void) { return g; }\n" +
                            _program("", "d[i] = get_g();"), "file-scope variable 'g'"),
    # memcpy/memset of whole elements become element loops (emit/copies.py); these are not
    "memcpy in a kernel": (_program("", "memcpy(d + i, d, n);"),
                           "memcpy in a kernel to bang: the byte count is not visibly a multiple of sizeof(float)"),
    "memcpy between types": (_program("", "memcpy(d + i, e, 8);"),
                             "memcpy in a kernel to bang: the source (double*) and the destination (float*) point to different types"),
    "memset of a pattern": (_program("", "memset(d + i, 1, 4);"),
                            "memset in a kernel to bang: a fill of elements wider than a byte"),
    "writes a host scalar": (_program("int count = 0;", "count = i;"), "writes the host variable 'count'"),
    "helper on both sides": ("""
#include <stdlib.h>
#include <string.h>
static inline float twice(float v) { return 2.0f * v; }
extern "C" void f(float* y, int n) {
  float* d = (float*)malloc(n * sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) d[i] = twice((float)i);
  memcpy(y, d, n * sizeof(float));
  y[0] = twice(y[0]);
  free(d);
}""", "helper 'twice', called by host code and by kernels"),
    # a vector parameter is one parameter per lane, a vector result goes through a pointer: such
    # a call is the whole right side of an assignment, not an argument of another call
    "vector result inside an expression": ("""
#include <stdlib.h>
#include <string.h>
static inline float4 twice4(float4 v) { return make_float4(2.0f * v.x, 2.0f * v.y, 2.0f * v.z, 2.0f * v.w); }
static inline float first(float4 v) { return v.x; }
extern "C" void f(float* y, int n) {
  float4* d = (float4*)malloc(n * sizeof(float4));
  float* o = (float*)malloc(n * sizeof(float));
  #pragma omp parallel for
  for (int i = 0; i < n; i++) o[i] = first(twice4(d[i]));
  memcpy(y, o, n * sizeof(float));
  free(d);
  free(o);
}""", "this float4 expression"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_refusals(case):
    source, reason = REFUSED[case]
    with pytest.raises(XpilerError) as err:
        emit(parse(source, "refused.cpp", "vnni"))
    assert "cannot translate" in err.value.message and "to bang" in err.value.message, err.value.message
    assert reason in err.value.message, err.value.message
