"""Ordinary C++ the front end accepts: braced assignment, std::numeric_limits, CUDA type names as
identifiers in C/C++ sources, constants in array sizes, hex-float literals. Each construct is
parsed, printed back (the print parses to the same IR) and, where a compiler is here, run by the
interpreter and natively with the same result."""
import numpy as np
import pytest

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.oracle import native
from xpiler.printer import print_module


def roundtrip(text: str, filename: str, exact: bool = True) -> ir.Module:
    """Parse; the printed IR parses back to the same IR (`exact=False`: to the same text, for
    programs with NaN constants, which compare unequal)."""
    m = parse(text, filename)
    printed = print_module(m)
    again = parse(printed, filename)
    if exact:
        assert again == m, printed
    else:
        assert print_module(again) == printed
    return m


def run_both(text, filename, platform, entry, params, inputs, exact=True):
    """(interpreter outputs, native outputs or None when the toolchain is missing)."""
    module = roundtrip(text, filename, exact)
    got = Interpreter(module).run(entry, copy(inputs))
    if native.available(platform):
        return got, None
    return got, native.run_native(text, platform, entry, params, copy(inputs))


def copy(inputs: dict) -> dict:
    return {k: v.copy() if isinstance(v, np.ndarray) else v for k, v in inputs.items()}


def expect_error(text, filename, message, line=None):
    with pytest.raises(XpilerError) as e:
        parse(text, filename)
    assert message in e.value.message, e.value.message
    if line is not None:
        assert e.value.span.line == line
    return e.value


# ---- braced assignment ------------------------------------------------------------------------

BRACE_CPP = """
#include <cmath>
extern "C" void k(float* out, const float* in, int n) {
  float acc;
  acc = {0};
  for (int i = 0; i < n; i++) acc += in[i];
  int count;
  count = {};
  double d;
  d = {2.5};
  const float* p;
  p = {in};
  out[0] = acc; out[1] = count; out[2] = d; out[3] = p[1];
}
"""


def test_braced_assignment_of_scalars_and_pointers():
    m = roundtrip(BRACE_CPP, "k.cpp")
    assigns = [s for s in m.function("k").body.stmts if isinstance(s, ir.Assign)]
    assert not any(isinstance(s.value, ir.InitList) for s in assigns)   # lowered: x = {v} is x = v
    inputs = {"out": np.zeros(4, np.float32), "in": np.arange(5, dtype=np.float32), "n": np.int32(5)}
    got, want = run_both(BRACE_CPP, "k.cpp", "vnni", "k", ["out", "in", "n"], inputs)
    np.testing.assert_array_equal(got["out"], [10, 0, 2.5, 1])
    if want is not None:
        np.testing.assert_array_equal(got["out"], want["out"])


BRACE_CU = """
__global__ void k(float* out, unsigned* dims) {
  int t = threadIdx.x;
  float2 v = make_float2(1.0f + t, 2.0f);
  v = {v.y, v.x};                     // the temporary is built first: a swap
  float4 w;
  w = {3.0f, 4.0f};                   // z and w are zero
  dim3 g;
  g = {4u, 2u};                       // dim3(4, 2): z is 1
  out[t * 6 + 0] = v.x; out[t * 6 + 1] = v.y; out[t * 6 + 2] = w.x;
  out[t * 6 + 3] = w.y; out[t * 6 + 4] = w.z; out[t * 6 + 5] = w.w;
  dims[t * 3 + 0] = g.x; dims[t * 3 + 1] = g.y; dims[t * 3 + 2] = g.z;
}
extern "C" void k_kernel(float* out, unsigned* dims) {
  float* d; unsigned* dd;
  cudaMalloc(&d, 12 * sizeof(float)); cudaMalloc(&dd, 6 * sizeof(unsigned));
  k<<<1, 2>>>(d, dd);
  cudaMemcpy(out, d, 12 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaMemcpy(dims, dd, 6 * sizeof(unsigned), cudaMemcpyDeviceToHost);
}
"""


def test_braced_assignment_of_cuda_vectors():
    m = roundtrip(BRACE_CU, "k.cu")
    body = m.function("k").body.stmts
    assert any(isinstance(s, ir.Assign) and isinstance(s.value, ir.InitList) for s in body)
    inputs = {"out": np.zeros(12, np.float32), "dims": np.zeros(6, np.uint32)}
    got, want = run_both(BRACE_CU, "k.cu", "cuda-cpu", "k_kernel", ["out", "dims"], inputs)
    np.testing.assert_array_equal(got["out"], [2, 1, 3, 4, 0, 0, 2, 2, 3, 4, 0, 0])
    np.testing.assert_array_equal(got["dims"], [4, 2, 1, 4, 2, 1])
    if want is not None:
        np.testing.assert_array_equal(got["out"], want["out"])
        np.testing.assert_array_equal(got["dims"], want["dims"])


@pytest.mark.parametrize("body, message", [
    ("float a[4]; a = {1.0f};", "array type 'float[4]' is not assignable"),
    ("float x; x = {1.0f, 2.0f};", "excess elements in scalar initializer"),
    ("int i; float f = 1.5f; i = {f};", "narrowing conversion from 'float' to 'int'"),
    ("char c; c = {300};", "narrowing conversion from 'int' to 'int8_t'"),   # char is int8_t here
    ("__m512 v; v = {0};", "cannot assign a braced list to a value of type __m512"),
])
def test_braced_assignment_refusals(body, message):
    text = f"#include <immintrin.h>\nvoid f() {{\n  {body}\n}}\n"
    expect_error(text, "f.cpp", message, line=3)


def test_braced_assignment_with_a_constant_that_fits_is_not_narrowing():
    parse("void f() { char c; c = {100}; float x; x = {1}; double d; d = {1.5f}; }", "f.cpp")


def test_braced_assignment_to_too_many_vector_lanes():
    expect_error("__global__ void f() { float2 v; v = {1.0f, 2.0f, 3.0f}; }", "f.cu",
                 "excess elements in initializer of float2")


# ---- std::numeric_limits -------------------------------------------------------------------

LIMIT_TYPES = ["float", "double", "int", "unsigned", "long long", "unsigned long long", "short",
               "unsigned short", "signed char", "unsigned char", "char", "bool", "int8_t",
               "uint8_t", "int16_t", "int32_t", "int64_t", "uint32_t", "uint64_t", "size_t"]
LIMIT_FUNCTIONS = ["min", "max", "lowest", "epsilon", "round_error", "infinity", "quiet_NaN",
                   "denorm_min"]
LIMIT_DATA = ["digits", "digits10", "is_signed", "is_integer", "has_infinity", "radix"]


def _limits_source() -> tuple[str, int]:
    """Floating members into f[], integer ones (and every data member) into i[]."""
    lines = ["#include <limits>", "#include <cstdint>", "#include <cstddef>",
             'extern "C" void limits(double* f, long long* i) {']
    n = 0
    for t in LIMIT_TYPES:
        out = "f" if t in ("float", "double") else "i"
        for member in LIMIT_FUNCTIONS:
            lines.append(f"  {out}[{n}] = std::numeric_limits<{t}>::{member}();")
            n += 1
        for member in LIMIT_DATA:
            lines.append(f"  i[{n}] = std::numeric_limits<{t}>::{member};")
            n += 1
    lines.append(f"  f[{n}] = -std::numeric_limits<float>::infinity();")
    lines.append(f"  f[{n + 1}] = -std::numeric_limits<double>::max();")
    lines.append(f"  i[{n + 2}] = -std::numeric_limits<int>::max() - 1;")
    n += 3
    lines.append("}")
    return "\n".join(lines) + "\n", n


def test_numeric_limits_are_the_values_cpp_defines():
    text, n = _limits_source()
    inputs = {"f": np.zeros(n), "i": np.zeros(n, np.int64)}
    got, want = run_both(text, "limits.cpp", "vnni", "limits", ["f", "i"], inputs, exact=False)
    assert got["f"][n - 3] == -np.inf and got["f"][n - 2] == -np.finfo(np.float64).max
    assert got["i"][n - 1] == -2**31
    assert got["f"][LIMIT_FUNCTIONS.index("min")] == np.finfo(np.float32).tiny
    if want is None:
        pytest.skip("g++ is not available for the native comparison")
    np.testing.assert_array_equal(got["f"], want["f"])     # NaN == NaN here
    np.testing.assert_array_equal(got["i"], want["i"])


def test_numeric_limits_refusals():
    expect_error("float f() { return std::numeric_limits<float>::infinity; }", "f.cpp",
                 "no data member 'infinity'")
    expect_error("int f() { return std::numeric_limits<int>::digits(); }", "f.cpp",
                 "no function 'digits'")
    expect_error("double f() { return std::numeric_limits<long double>::max(); }", "f.cpp",
                 "not supported: numeric_limits<long double>")
    expect_error("int f() { return std::numeric_limits<float>::nope(); }", "f.cpp",
                 "no function 'nope' in numeric_limits<float>")


# ---- CUDA type names are not reserved in C and C++ ----------------------------------------------

NAMES_CPP = """
#ifdef __cplusplus
extern "C"
#endif
void k(float* out, int n) {
  int dim3 = 10;
  float float4 = 0.5f;
  int half2 = n * 2;
  unsigned uint3 = 7u;
  float half = 1.0f;
  out[0] = dim3 + float4 + half2 + uint3 + half;
}
"""


@pytest.mark.parametrize("filename", ["k.cpp", "k.c"])
def test_cuda_type_names_are_identifiers_in_c_and_cpp(filename):
    inputs = {"out": np.zeros(1, np.float32), "n": np.int32(3)}
    got, want = run_both(NAMES_CPP, filename, "vnni", "k", ["out", "n"], inputs)
    assert got["out"][0] == 10 + 0.5 + 6 + 7 + 1
    if want is not None:
        np.testing.assert_array_equal(got["out"], want["out"])


@pytest.mark.parametrize("decl", ["int dim3 = 10; dim3 += 1;", "float* float4 = 0;", "int half2[4];",
                                  "unsigned uint3, half = 2;", "for (int dim3 = 0; dim3 < 2; dim3++) {}"])
def test_device_type_names_declared_as_variables_in_cpp(decl):
    parse(f"void f() {{ {decl} }}\nvoid g(int float2) {{ float2 = 3; }}\n", "k.cpp")


def test_device_type_names_not_declared_as_variables_stay_types_in_cpp():
    """xpiler's canonical form, printed as C++, spells its types so (half, float4, dim3)."""
    m = parse("void f(half* h) { float4 v; half x = (half)2.5; h[0] = x; }", "k.cpp")
    assert m.function("f").params[0].type.c() == "half*"


@pytest.mark.parametrize("filename", ["k.cu", "k.hip", "k.mlu"])
def test_cuda_type_names_stay_types_in_device_sources(filename):
    with pytest.raises(XpilerError):
        parse("void f() { int dim3 = 10; }", filename)
    parse("void f() { dim3 g(1, 2); float4 v; }", filename)


# ---- constants in array sizes ------------------------------------------------------------------

CONST_CPP = """
const int IC = 4;
constexpr int KH = 3;
enum { KW = 2, BLOCK = KW * 128 };
enum Tile : unsigned { TILE = 8u };
extern "C" void k(float* out, const float* in) {
  const int OC = 2;
  constexpr int K = IC * KH * KW;
  static const int PAD = 1;
  enum { LOCAL = 5 };
  float patch[IC * KH * KW];
  float wide[K + PAD][OC];
  int tiles[TILE + LOCAL];
  for (int i = 0; i < K; i++) patch[i] = in[i];
  float s = 0.0f;
  for (int i = 0; i < K; i++) { wide[i][0] = patch[i]; s += wide[i][0]; }
  out[0] = s; out[1] = sizeof(wide) / sizeof(float); out[2] = sizeof(tiles) / sizeof(int);
  out[3] = BLOCK;
}
"""


def test_constants_size_arrays():
    m = roundtrip(CONST_CPP, "k.cpp")
    decls = {d.name: d.type for d in ir_decls(m.function("k").body)}
    assert decls["patch"].size == 24 and decls["wide"].size == 25 and decls["tiles"].size == 13
    inputs = {"out": np.zeros(4, np.float32), "in": np.arange(24, dtype=np.float32)}
    got, want = run_both(CONST_CPP, "k.cpp", "vnni", "k", ["out", "in"], inputs)
    np.testing.assert_array_equal(got["out"], [276, 50, 13, 256])
    if want is not None:
        np.testing.assert_array_equal(got["out"], want["out"])


def test_constants_size_nram_buffers():
    m = parse("#include <bang.h>\nconst int IC = 64;\n__mlu_global__ void k(float* x) {\n"
              "  constexpr int N = IC / 2;\n  __nram__ float buf[IC * 4];\n  __nram__ float half_buf[N];\n"
              "  __memcpy(buf, x, IC * sizeof(float), GDRAM2NRAM);\n}\n", "k.mlu")
    decls = {d.name: d.type for d in ir_decls(m.function("k").body)}
    assert decls["buf"].size == 256 and decls["half_buf"].size == 32


@pytest.mark.parametrize("body, message", [
    ("int n = 4; float a[n];", "array size is not a constant"),          # not const: a VLA
    ("const int n = 4; { int n = 5; float a[n]; }", "array size is not a constant"),  # shadowed
    ("float a[-1];", "array size -1 is not a non-negative integer"),
    ("enum { A = 1.5 };", "enumerator value for 'A' is not an integer constant"),
    ("enum { A, A };", "redefinition of 'A'"),
])
def test_constant_refusals(body, message):
    expect_error(f"void f() {{\n  {body}\n}}\n", "f.cpp", message, line=2)


def ir_decls(block):
    from xpiler.irutil import walk
    return [n for n in walk(block) if isinstance(n, ir.Decl)]


# ---- literals -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value, ctype", [
    ("0x0p+0f", 0.0, "float"), ("0x1.8p3", 12.0, "double"), ("0X1P-2f", 0.25, "float"),
    ("0x1.fffffep+127f", float(np.finfo(np.float32).max), "float"), ("017", 15, "int"),
    ("0x7fffffffu", 2**31 - 1, "unsigned int"), ("1e-5", 1e-5, "double"), ("10LL", 10, "long long"),
])
def test_number_literals(text, value, ctype):
    m = parse(f"void f(double* o) {{ o[0] = {text}; }}", "f.cpp")
    const = m.function("f").body.stmts[0].value
    assert const.value == value and const.type.c() == ctype


@pytest.mark.parametrize("text", ["08", "1.5ff", "0x.p1", "1lul"])
def test_bad_number_literals(text):
    expect_error(f"void f(double* o) {{ o[0] = {text}; }}", "f.cpp", f"invalid number '{text}'")


# ---- references ----------------------------------------------------------------------------------

def test_assignment_through_a_reference_reaches_what_it_names():
    """A write through a reference changes the object it is bound to (types.Reference; it was
    refused while references were read as copies): a register variable, an array element, a
    vector's lane."""
    text = """
static void inc(float& x) { x = x + 1.0f; }
static void lane(float4& v) { v.x += 2.0f; }
extern "C" void k(float* a) {
  float s = a[0];
  inc(s);
  inc(a[1]);
  float& r = a[2];
  r++;
  float4 v = make_float4(a[3], 0.0f, 0.0f, 0.0f);
  lane(v);
  a[0] = s;
  a[3] = v.x;
}
"""
    got = Interpreter(roundtrip(text, "f.cu")).run("k", {"a": np.array([1, 2, 3, 4], np.float32)})
    np.testing.assert_array_equal(got["a"], [2, 3, 4, 6])


def test_reading_references_and_writing_through_pointer_references_is_fine():
    text = """
static float twice(const float& x) { return x * 2.0f; }
extern "C" void k(float* out) {
  float* p = out;
  float*& r = p;
  r[1] = twice(out[0]);
  { float r = 5.0f; r = r + 1.0f; out[2] = r; }     // a new variable, not the reference
}
"""
    inputs = {"out": np.array([1.5, 0, 0], np.float32)}
    got, want = run_both(text, "k.cpp", "vnni", "k", ["out"], inputs)
    np.testing.assert_array_equal(got["out"], [1.5, 3, 6])
    if want is not None:
        np.testing.assert_array_equal(got["out"], want["out"])


def test_negated_negative_constants_print_back():
    m = roundtrip("void f(float* o) {\n  o[0] = -std::numeric_limits<float>::lowest();\n  o[1] = -(-1);\n}\n",
                  "f.cpp")
    values = [s.value for s in m.function("f").body.stmts]
    assert [(v.value, v.text) for v in values] == [(float(np.finfo(np.float32).max), "FLT_MAX"), (1, "1")]


def test_braced_initialization_of_x86_vectors_fills_lanes():
    """`__m512 v = {1.0f, 2.0f};` sets lanes 0 and 1 (not bytes 0 and 1); the rest are zero."""
    text = """
#include <immintrin.h>
extern "C" void k(float* o, long long* q) {
  __m512 v = {1.0f, 2.5f};
  __m256i w = {7, -1};
  _mm512_storeu_ps(o, v);
  _mm256_storeu_si256((__m256i*)q, w);
}
"""
    inputs = {"o": np.full(16, 9, np.float32), "q": np.full(4, 9, np.int64)}
    got = Interpreter(parse(text, "k.cpp")).run("k", copy(inputs))
    np.testing.assert_array_equal(got["o"], [1, 2.5] + [0] * 14)
    np.testing.assert_array_equal(got["q"], [7, -1, 0, 0])
    if native.available("vnni") or not native.cpu_runs_vnni():
        return
    want = native.run_native(text, "vnni", "k", ["o", "q"], copy(inputs))
    np.testing.assert_array_equal(got["o"], want["o"])
    np.testing.assert_array_equal(got["q"], want["q"])
