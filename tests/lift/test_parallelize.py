"""The dependence analysis (xpiler/dependence.py), the `parallelize` pass, and serial C translated
to device code through it.

Known answers on small kernels (parallel, reduction, serial with the reason), what the pass marks
and how (normal headers, private declarations, nesting the emitters map), and serial C kernels
translated to cuda, hip and bang: a real kernel launch, a verified translation, and outputs that
meet a numpy reference through the interpreter.
"""
from __future__ import annotations

import numpy as np
import pytest

from xpiler import ir
from xpiler.dependence import PARALLEL, Kind, analyze, parallelize
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.irutil import walk
from xpiler.lift import lift

P, R, S = Kind.PARALLEL, Kind.REDUCTION, Kind.SERIAL
SIGNATURE = ('extern "C" void k(float* out, const float* a, const float* b, float* c, const int* idx, '
             'int n, int m) {\n')


def module(body: str, head: str = "") -> ir.Module:
    return parse(head + SIGNATURE + body + "\n}\n", "k.cpp", "vnni")


def results(body: str, head: str = ""):
    m = module(body, head)
    return analyze(m.function("k"), m)


# (body, the kind of each loop in pre-order, a phrase of the first loop's reason)
KNOWN = {
    "elementwise": ("for (int i = 0; i < n; i++) out[i] = a[i] + b[i];", [P], "no iteration writes an element of out"),
    "row loop with inner reduction": ("""
        for (int r = 0; r < n; r++) {
            float s = 0.0f;
            for (int j = 0; j < m; j++) s += a[r * m + j] * a[r * m + j];
            float inv = 1.0f / sqrtf(s / m + 1e-5f);
            for (int j = 0; j < m; j++) out[r * m + j] = a[r * m + j] * inv;
        }""", [P, R, P], "distinct pointer parameters assumed disjoint"),
    "prefix sum": ("for (int i = 1; i < n; i++) c[i] = c[i - 1] + a[i];", [S], "reads c[i - 1]"),
    "shift a[i+1] = a[i]": ("for (int i = 0; i + 1 < n; i++) c[i + 1] = c[i];", [S], "reads c[i]"),
    "scatter": ("for (int i = 0; i < n; i++) c[idx[i]] += a[i];", [S], "the index is read from memory"),
    "transpose": ("for (int i = 0; i < n; i++) for (int j = 0; j < m; j++) out[j * n + i] = a[i * m + j];",
                  [P, P], "no iteration writes"),
    "stencil into another array": ("for (int i = 1; i < n - 1; i++) out[i] = a[i - 1] + a[i] + a[i + 1];", [P], ""),
    "stencil in place": ("for (int i = 1; i < n - 1; i++) c[i] = c[i - 1] + c[i + 1];", [S], "reads c["),
    "2-D tiles with std::min tails": ("""
        for (int ii = 0; ii < n; ii += 32)
            for (int jj = 0; jj < m; jj += 32)
                for (int i = ii; i < std::min(ii + 32, n); i++)
                    for (int j = jj; j < std::min(jj + 32, m); j++)
                        out[j * n + i] = a[i * m + j];""", [P, P, P, P], ""),
    "writes through a row pointer": ("""
        for (int i = 0; i < n; i++) {
            float* row = out + i * m;
            for (int j = 0; j < m; j++) row[j] = a[i * m + j] * 2.0f;
        }""", [P, P], "no iteration writes an element of out"),
    "max with fmaxf": ("float mx = -1e30f;\nfor (int i = 0; i < n; i++) mx = fmaxf(mx, a[i]);\nout[0] = mx;",
                       [R], "reduction of mx (max)"),
    "max with ?:": ("float mx = -1e30f;\nfor (int i = 0; i < n; i++) mx = mx > a[i] ? mx : a[i];\nout[0] = mx;",
                    [R], "reduction of mx (max)"),
    "min with std::min": ("float lo = 1e30f;\nfor (int i = 0; i < n; i++) lo = std::min(lo, a[i]);\nout[0] = lo;",
                          [R], "reduction of lo (min)"),
    "product": ("float p = 1.0f;\nfor (int i = 0; i < n; i++) p *= a[i];\nout[0] = p;", [R], "reduction of p (*)"),
    "break": ("for (int i = 0; i < n; i++) { out[i] = a[i]; if (a[i] < 0) break; }", [S], "'break'"),
    "return": ("for (int i = 0; i < n; i++) { if (a[i] < 0) return; out[i] = a[i]; }", [S], "returns"),
    "unknown call": ("for (int i = 0; i < n; i++) printf(\"%f\", a[i]);", [S], "'printf'"),
    "carried scalar": ("float t = 0.0f;\nfor (int i = 0; i < n; i++) { t = t * 0.5f + a[i]; out[i] = t; }",
                       [S], "'t' carries a value"),
    "private scalar read after the loop": ("float t;\nfor (int i = 0; i < n; i++) { t = a[i]; out[i] = t; }\n"
                                           "out[0] = t;", [S], "keeps the last iteration's value"),
    "stride that may be 0": ("for (int i = 0; i < n; i++) out[i * m] = a[i];", [S], "both write out"),
    "step that may be 0": ("for (int i = 0; i < n; i += m) out[i] = a[i];", [S], "both write out"),
    "stride m + 1": ("for (int i = 0; i < n; i++) out[i * (m + 1)] = a[i];", [P], "taken as non-negative"),
    "byte-sized stores": ("for (int i = 0; i < n; i++) ((char*)out)[4 * i + 1] = 0;", [P], ""),
    "overlapping pairs": ("for (int i = 0; i < n; i++) { float* p = &out[i]; p[0] = a[i]; p[1] = b[i]; }",
                          [S], "both write out"),
    "integer division": ("for (int i = 0; i < n; i++) c[i / 2] = a[i];", [S], "both write c"),
    "masked index": ("for (int i = 0; i < n; i++) c[i & 3] = a[i];", [S], "both write c"),
    "rows copied with memcpy": ("for (int i = 0; i < n; i++) memcpy(out + i * m, a, m * sizeof(float));", [P], ""),
    "overlapping memcpy": ("for (int i = 0; i < n; i++) memcpy(out + i * m, a, (m + 1) * sizeof(float));",
                           [S], "both write out"),
    "data-dependent while inside": ("""
        for (int i = 0; i < n; i++) {
            int k = 0;
            while (k < m && a[i * m + k] > 0) k++;
            c[i] = k;
        }""", [P], ""),
    "scratch array declared in the body": ("""
        for (int i = 0; i < n; i++) {
            float t[4];
            for (int j = 0; j < 4; j++) t[j] = a[i] * j;
            out[i] = t[3];
        }""", [P, P], ""),
    "scratch array shared by iterations": ("""
        float t[4];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 4; j++) t[j] = a[i] * j;
            out[i] = t[3];
        }""", [S, P], "both write t"),
    "vector body with a scalar tail": ("""
        for (int i = 0; i < n; i++) {
            int j = 0;
            for (; j + 8 <= m; j += 8) _mm256_storeu_ps(out + i * m + j, _mm256_loadu_ps(a + i * m + j));
            for (; j < m; ++j) out[i * m + j] = a[i * m + j];
        }""", [P, P, P], "no iteration writes an element of out"),
    "intrinsic store that overlaps the next row": ("""
        for (int i = 0; i < n; i++) _mm256_storeu_ps(out + i * 4, _mm256_set1_ps(a[i]));""",
        [S], "in the semantics of '_mm256_storeu_ps'"),
    "tail loop after a loop that may break": ("""
        for (int i = 0; i < n; i++) {
            int j = 0;
            for (; j < m; j++) if (a[j] < 0) break;
            for (; j < m; ++j) out[i * m + j] = a[j];
        }""", [S, S, P], "out"),
    "continue at the end of a branch": ("for (int i = 0; i < n; i++) { if (a[i] > 0) continue; out[i] = 2.0f; }",
                                        [P], ""),
}


@pytest.mark.parametrize("name", list(KNOWN))
def test_known_answers(name):
    body, kinds, phrase = KNOWN[name]
    found = results(body, "#include <math.h>\n#include <string.h>\n#include <stdio.h>\n#include <algorithm>\n"
                          "#include <immintrin.h>\n")
    assert [r.kind for r in found] == kinds, "\n".join(r.text() for r in found)
    assert phrase in found[0].reason, found[0].text()


def test_reduction_records_variable_and_operator():
    rows = results(KNOWN["row loop with inner reduction"][0], "#include <math.h>\n")
    assert [(x.var, x.op) for x in rows[1].reductions] == [("s", "+")]
    assert rows[1].text().startswith("loop j at k.cpp:6: reduction (reduction of s (+)")


def test_serial_reason_names_the_pair_and_iterations():
    prefix = results(KNOWN["prefix sum"][0])[0]
    assert prefix.where == "k.cpp:2"
    assert "iteration i=" in prefix.reason and "k.cpp:2" in prefix.reason


def test_helpers_are_summarised_at_their_calls():
    head = ("static float twice(const float* p, int k) { return 2.0f * p[k]; }\n"
            "static void scale(float* row, int m, float f) { for (int j = 0; j < m; j++) row[j] *= f; }\n"
            "static int calls;\nstatic void count(float* p) { calls++; p[0] = 0.0f; }\n")
    found = results("for (int i = 0; i < n; i++) out[i] = twice(a, i + 1);\n"
                    "for (int i = 0; i < n; i++) scale(out + i * m, m, 2.0f);\n"
                    "for (int i = 0; i < n; i++) scale(out + i, m, 2.0f);\n"
                    "for (int i = 0; i < n; i++) count(out + i);", head)
    assert [r.kind for r in found] == [P, P, S, S], "\n".join(r.text() for r in found)
    assert "calls in 'count'" in found[3].reason


def test_helper_results_bound_tiles():
    head = "static inline int imin(int a, int b) { return a < b ? a : b; }\n"
    found = results("""
        for (int i0 = 0; i0 < n; i0 += 32) {
            int i1 = imin(i0 + 32, n);
            for (int j0 = 0; j0 < m; j0 += 32) {
                int j1 = imin(j0 + 32, m);
                for (int i = i0; i < i1; ++i)
                    for (int j = j0; j < j1; ++j)
                        out[(long)j * n + i] = a[(long)i * m + j];
            }
        }""", head)
    assert [r.kind for r in found] == [P, P, P, P], "\n".join(r.text() for r in found)


def test_a_pointer_it_cannot_follow_is_serial():
    m = parse('extern "C" void k(float** rows, const float* a, int n) {\n'
              '  for (int i = 0; i < n; i++) rows[i][0] = a[i];\n}\n', "k.cpp", "vnni")
    r = analyze(m.function("k"), m)[0]
    assert r.kind is S and "cannot follow" in r.reason


def test_headers_the_marker_cannot_take():
    found = results("for (unsigned u = 0; u < (unsigned)n; u++) out[u] = 0;\n"
                    "for (int i = n - 1; i >= 0; i--) out[i] = 1;\n"
                    "int i;\nfor (i = 0; i < n; i++) out[i] = 2;\nout[0] = i;")
    assert [r.kind for r in found] == [P, P, P]
    assert "unsigned" in found[0].blocked
    assert "condition" in found[1].blocked
    assert "after the loop is read at k.cpp:6" in found[2].blocked


# ---- the pass ------------------------------------------------------------------------------------

RMSNORM = """#include <math.h>
extern "C" void rmsnorm(const float* x, const float* gamma, float* y, int rows, int dim) {
    for (int r = 0; r < rows; r++) {
        float s = 0.0f;
        for (int c = 0; c < dim; c++)
            s += x[r * dim + c] * x[r * dim + c];
        float inv = 1.0f / sqrtf(s / dim + 1e-5f);
        for (int c = 0; c < dim; c++)
            y[r * dim + c] = x[r * dim + c] * inv * gamma[c];
    }
}
"""

GEMM = """extern "C" void gemm(const float* A, const float* B, float* C, int M, int N, int K) {
    for (int i = 0; i < M; i++)
        for (int j = 0; j < N; j++) {
            float acc = 0.0f;
            for (int k = 0; k < K; k++)
                acc += A[i * K + k] * B[k * N + j];
            C[i * N + j] = acc;
        }
}
"""

ADD = """extern "C" void add(const float* a, const float* b, float* out, int n) {
    for (int i = 0; i < n; i++)
        out[i] = a[i] + b[i];
}
"""

CONV2D = """// NCHW, stride 1, no padding
extern "C" void conv2d(const float* in, const float* w, float* out, int N, int C, int H, int W,
                       int OC, int KH, int KW) {
    int OH = H - KH + 1, OW = W - KW + 1;
    for (int n = 0; n < N; n++)
        for (int oc = 0; oc < OC; oc++)
            for (int oh = 0; oh < OH; oh++)
                for (int ow = 0; ow < OW; ow++) {
                    float s = 0.0f;
                    for (int c = 0; c < C; c++)
                        for (int kh = 0; kh < KH; kh++)
                            for (int kw = 0; kw < KW; kw++)
                                s += in[((n * C + c) * H + oh + kh) * W + ow + kw]
                                     * w[((oc * C + c) * KH + kh) * KW + kw];
                    out[((n * OC + oc) * OH + oh) * OW + ow] = s;
                }
}
"""

# C89 style: counters and a temporary declared at the top
C89 = """extern "C" void scale(const float* a, float* out, int n, int m) {
    int i, j;
    float t;
    for (i = 0; i < n; i++) {
        for (j = 0; j < m; j++) {
            t = a[i * m + j];
            out[i * m + j] = t * t;
        }
    }
    for (i = 0; i < n; i++) out[i] += 1.0f;
}
"""


def marked(f: ir.Function) -> list[str]:
    return [s.init[0].name for s in walk(f.body) if isinstance(s, ir.For) and PARALLEL in s.pragmas]


def test_rmsnorm_row_loop_and_its_inner_map_are_marked():
    m = parse(RMSNORM, "rms.cpp", "vnni")
    new, notes = parallelize(m)
    assert marked(new.function("rmsnorm")) == ["r", "c"]
    assert notes[0].startswith("loop r at rms.cpp:3: parallel, bound (z3: no iteration writes an element of y")
    assert notes[1].startswith("loop c at rms.cpp:5: reduction, left serial (reduction of s (+)")
    assert notes[2].startswith("loop c at rms.cpp:8: parallel, bound inside loop r")
    assert parallelize(m)[0] is new                      # one analysis per module


def test_a_perfect_nest_is_marked_whole_and_nothing_inside():
    new, notes = parallelize(parse(GEMM, "gemm.cpp", "vnni"))
    assert marked(new.function("gemm")) == ["i", "j"]
    assert "parallel, bound with loop i" in notes[1] and "reduction, left serial" in notes[2]
    new, _ = parallelize(parse(CONV2D, "conv.cpp", "vnni"))
    assert marked(new.function("conv2d")) == ["n", "oc", "oh", "ow"]


def test_counters_and_temporaries_declared_before_become_per_iteration():
    m = parse(C89, "c89.cpp", "vnni")
    new, notes = parallelize(m)
    f = new.function("scale")
    loops = [s for s in walk(f.body) if isinstance(s, ir.For)]
    assert [PARALLEL in s.pragmas for s in loops] == [True, True, True]
    assert all(isinstance(s.init[0], ir.Decl) for s in loops)                # `int i = 0`
    inner_body = loops[1].body.stmts
    assert isinstance(inner_body[0], ir.Decl) and inner_body[0].name == "t"   # private copy
    assert "t private to each iteration" in notes[0]
    a = np.random.default_rng(1).standard_normal(12).astype(np.float32)
    inputs = {"a": a, "out": np.zeros(12, np.float32), "n": np.int32(3), "m": np.int32(4)}
    got = Interpreter(lift(m)).run("scale", {k: np.copy(v) for k, v in inputs.items()})["out"]
    want = a * a
    want[:3] += 1.0
    np.testing.assert_array_equal(got, want)


def test_openmp_functions_and_other_platforms_are_left_alone():
    src = RMSNORM.replace("    for (int r", "#pragma omp parallel for\n    for (int r", 1)
    m = parse(src, "rms.cpp", "vnni")
    assert parallelize(m)[0] is m and parallelize(m)[1] == []
    cu = parse("__global__ void k(float* a) { for (int i = 0; i < 4; i++) a[i] = 0; }\n", "k.cu", "cuda")
    assert parallelize(cu)[0] is cu


def test_inner_loops_stay_serial_when_the_code_around_them_writes_memory():
    src = """#include <math.h>
extern "C" void norm(const float* x, float* y, float* rstd, int rows, int dim) {
    for (int r = 0; r < rows; r++) {
        float s = 0.0f;
        for (int c = 0; c < dim; c++) s += x[r * dim + c] * x[r * dim + c];
        rstd[r] = 1.0f / sqrtf(s / dim + 1e-5f);
        for (int c = 0; c < dim; c++) y[r * dim + c] = x[r * dim + c] * rstd[r];
    }
}
"""
    new, notes = parallelize(parse(src, "norm.cpp", "vnni"))
    assert marked(new.function("norm")) == ["r"]
    assert "around it writes memory" in notes[2]


def test_kernel_sites_take_no_pointers_computed_before_them():
    src = """extern "C" void index_add(float* dst, const float* src, const int* index, int n, int dim) {
    for (int i = 0; i < n; ++i) {
        float* d = dst + (long)index[i] * dim;
        for (int k = 0; k < dim; ++k) d[k] += src[(long)i * dim + k];
    }
}
"""
    new, notes = parallelize(parse(src, "ia.cpp", "vnni"))
    assert marked(new.function("index_add")) == []
    assert notes[0].startswith("loop i at ia.cpp:2: serial (") and "read from memory" in notes[0]
    assert "parallel, left serial: it uses 'd', declared before it" in notes[1]


def test_memset_loops_wait_for_the_interpreter():
    found = results("for (int i = 0; i < n; i++) memset(out + i * m, 0, m * sizeof(float));",
                    "#include <string.h>\n")
    assert found[0].kind is P and "memset" in found[0].blocked


def test_lifted_parallel_loops_are_in_normal_form():
    canonical = lift(module(KNOWN["2-D tiles with std::min tails"][0], "#include <algorithm>\n"))
    loops = [s for s in walk(canonical.function("k").body) if isinstance(s, ir.For) and PARALLEL in s.pragmas]
    assert loops
    for s in loops:
        assert isinstance(s.init[0], ir.Decl) and s.init[0].init.value == 0
        assert s.cond.op == "<" and s.step[0].op == "+" and s.step[0].value.value == 1


# ---- serial C to device code ---------------------------------------------------------------------

def rmsnorm_ref(x, gamma, y, rows, dim):
    x = x[:rows * dim].reshape(rows, dim).astype(np.float64)
    out = y.copy()
    out[:rows * dim] = (x / np.sqrt((x * x).mean(axis=1, keepdims=True) + 1e-5) * gamma[:dim]).ravel()
    return {"y": out}


def conv_ref(inp, w, out, N, C, H, W, OC, KH, KW):
    OH, OW = H - KH + 1, W - KW + 1
    x = inp[:N * C * H * W].reshape(N, C, H, W).astype(np.float64)
    k = w[:OC * C * KH * KW].reshape(OC, C, KH, KW).astype(np.float64)
    res = np.zeros((N, OC, OH, OW))
    for kh in range(KH):
        for kw in range(KW):
            res += np.einsum("nchw,oc->nohw", x[:, :, kh:kh + OH, kw:kw + OW], k[:, :, kh, kw])
    o = out.copy()
    o[:res.size] = res.ravel()
    return {"out": o}


KERNELS = {   # source, entry, sizes for the differential test (None: default), sizes of the reference run
    "add": (ADD, "add", None, {"n": 1000},
            lambda a, b, out, n: {"out": np.concatenate([a[:n] + b[:n], out[n:]])}),
    "rmsnorm": (RMSNORM, "rmsnorm", None, {"rows": 13, "dim": 300}, rmsnorm_ref),
    "gemm": (GEMM, "gemm", None, {"M": 19, "N": 23, "K": 17},
             lambda A, B, C, M, N, K: {"C": np.concatenate([(A[:M * K].reshape(M, K).astype(np.float64)
                                                              @ B[:K * N].reshape(K, N)).ravel(), C[M * N:]])}),
    "conv2d": (CONV2D, "conv2d", {"N": 2, "C": 3, "H": 7, "W": 6, "OC": 4, "KH": 3, "KW": 2},
               {"N": 2, "C": 3, "H": 9, "W": 8, "OC": 5, "KH": 3, "KW": 2}, conv_ref),
}


@pytest.mark.parametrize("target", ["cuda", "hip", "bang"])
@pytest.mark.parametrize("name", list(KERNELS))
def test_serial_c_becomes_a_kernel(tmp_path, name, target):
    from xpiler.pipeline import translate
    src, entry, sizes, run_sizes, reference = KERNELS[name]
    path = tmp_path / f"{name}.cpp"
    path.write_text(src)
    result = translate(path, target, sizes=sizes, examples=3)
    text = result.output()
    launch = "<<<" if target in ("cuda", "bang") else "hipLaunchKernelGGL("
    assert launch in text and ("__mlu_global__" if target == "bang" else "__global__") in text, text
    assert result.verified, text[:2000]
    assert "//   note: loop " in text and "parallel, bound" in text
    assert f'extern "C" void {entry}(' in text        # the host entry keeps the source's name
    # the output meets the numpy reference through the interpreter
    out_module = parse(result.text, f"{name}.out", target)
    fn = out_module.function(entry)
    rng = np.random.default_rng(7)
    inputs = {}
    for p in fn.params:
        if p.name in run_sizes:
            inputs[p.name] = np.int32(run_sizes[p.name])
        else:
            inputs[p.name] = rng.standard_normal(4096).astype(np.float32)
    got = Interpreter(out_module).run(entry, {k: np.copy(v) for k, v in inputs.items()})
    want = reference(*[inputs[p.name] for p in fn.params])
    for k, v in want.items():
        np.testing.assert_allclose(got[k], v, rtol=1e-4, atol=1e-4)


PREFIX = """
extern "C" void scan_then_scale(const float* a, float* out, int n) {
    for (int i = 0; i < n; i++) out[i] = (i > 0 ? out[i - 1] : 0.0f) + a[i];
    for (int i = 0; i < n; i++) out[i] *= 0.5f;
}
"""


@pytest.mark.parametrize("target", ["cuda", "bang"])
def test_a_serial_loop_runs_on_the_device_as_one_thread(tmp_path, target):
    """A loop with no independent iterations (a prefix sum) still runs on the device in a port:
    one thread or task, in order, on the device copies; the independent loop after it is a
    kernel of its own."""
    from xpiler.pipeline import translate
    path = tmp_path / "scan.cpp"
    path.write_text(PREFIX)
    result = translate(path, target, examples=3)
    assert result.verified, result.header()
    assert "device code" in result.header() and "launches its work" in result.header()
    text = result.text
    assert text.count("<<<") >= 2, text                   # the serial scan and the scaling
    a = np.random.default_rng(2).standard_normal(37).astype(np.float32)
    out = Interpreter(parse(text, "scan.out", target)).run(
        "scan_then_scale", {"a": a, "out": np.zeros(37, np.float32), "n": np.int32(37)})["out"]
    np.testing.assert_allclose(out, np.cumsum(a.astype(np.float64)) * 0.5, rtol=1e-4, atol=1e-5)
