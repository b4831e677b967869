"""C++ in hand-written kernels (issue 10): std::vector scratch buffers, structs (with arrays in
them, brace elision, `->`) and references, the immintrin.h macros (_MM_SHUFFLE, _MM_PERM_*,
_MM_FROUND_*), std:: math, and templates instantiated where they are used. Each kernel is parsed,
printed back (the print parses to the same IR) and run by the interpreter, against g++ (or the
CUDA CPU emulation) where it is here and against numpy. Translations: tests/lift/test_cxx_translate.py."""
import numpy as np
import pytest

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.types import F32, I32, Reference, StdVector, Struct, layout, sizeof

from tests.grammar.test_cpp_constructs import expect_error, roundtrip, run_both

# ---- std::vector --------------------------------------------------------------------------------

VECTOR_CPP = """
#include <vector>
// y = x minus its column means; the means and counts in std::vector scratch buffers
extern "C" void center_cols(float* y, const float* x, int rows, int cols) {
  std::vector<float> mean(cols);
  std::vector<int> count;
  count.assign(cols, 0);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) { mean[c] += x[r * cols + c]; count[c] += 1; }
  for (int c = 0; c < (int)mean.size(); ++c) mean[c] /= (float)count[c];
  const float* m = mean.data();
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) y[r * cols + c] = x[r * cols + c] - m[c];
}
"""

GROW_CPP = """
#include <vector>
extern "C" void grow(int* out, int n) {
  std::vector<int> v(3, 7);
  v.resize(n, -1);
  v[0] = (int)v.size();
  for (int i = 0; i < n; i++) out[i] = v[i];
  v.resize(2);
  out[n] = (int)v.size() + (v.empty() ? 100 : 0);
  v.clear();
  out[n + 1] = v.empty() ? 1 : 0;
}
"""


def test_vector_declaration_is_typed():
    m = roundtrip(VECTOR_CPP, "v.cpp")
    decls = [s for s in m.function("center_cols").body.stmts if isinstance(s, ir.Decl)]
    assert decls[0].type == StdVector(F32) and len(decls[0].ctor_args) == 1
    assert decls[1].type == StdVector(I32) and decls[1].ctor_args is None
    calls = [n for n in _walk(m) if isinstance(n, ir.MethodCall)]
    assert {c.method for c in calls} == {"assign", "size", "data"}


def test_vector_scratch_against_gxx_and_numpy():
    x = np.random.default_rng(1).standard_normal((5, 7)).astype(np.float32)
    inputs = {"y": np.zeros_like(x), "x": x, "rows": np.int32(5), "cols": np.int32(7)}
    got, want = run_both(VECTOR_CPP, "v.cpp", "vnni", "center_cols", ["y", "x", "rows", "cols"], inputs)
    np.testing.assert_allclose(got["y"], x - x.mean(0), rtol=1e-5, atol=1e-6)
    if want is not None:
        np.testing.assert_array_equal(got["y"], want["y"])


def test_vector_resize_assign_clear_against_gxx():
    n = 6
    inputs = {"out": np.zeros(n + 2, np.int32), "n": np.int32(n)}
    got, want = run_both(GROW_CPP, "g.cpp", "vnni", "grow", ["out", "n"], inputs)
    assert got["out"].tolist() == [6, 7, 7, -1, -1, -1, 2, 1]
    if want is not None:
        assert want["out"].tolist() == got["out"].tolist()


def test_vector_index_out_of_bounds_is_reported():
    text = """#include <vector>
extern "C" void k(float* y, int n) {
  std::vector<float> v(n);
  y[0] = v[n];
}"""
    with pytest.raises(XpilerError, match="out-of-bounds read"):
        Interpreter(parse(text, "k.cpp")).run("k", {"y": np.zeros(1, np.float32), "n": np.int32(4)})


# ---- structs and references ---------------------------------------------------------------------

STRUCT_CPP = """
#include <math.h>
typedef struct { float w[3]; float bias; } Taps;
struct Stats { float sum; float sq; int n; };
struct Pair { Stats lo, hi; };

static inline void add(Stats& s, float v) { s.sum += v; s.sq += v * v; s.n += 1; }
static inline float apply(const Taps& t, const float* x) { return t.w[0] * x[0] + t.w[1] * x[1] + t.w[2] * x[2] + t.bias; }
static inline Stats combine(Stats a, const Stats* b) { a.sum += b->sum; a.sq += b->sq; a.n += b->n; return a; }

// per row: a 3-tap smoothing, its values split by sign into two running statistics, then the
// mean and root mean square of all of them
extern "C" void smooth_stats(float* out, const float* x, int rows, int cols) {
  for (int r = 0; r < rows; ++r) {
    Taps t = {{0.25f, 0.5f, 0.25f}, 0.0f};
    Pair p = {{0}};
    for (int c = 0; c + 2 < cols; ++c) {
      float v = apply(t, x + r * cols + c);
      if (v < 0.0f) add(p.lo, v); else add(p.hi, v);
    }
    Stats all = combine(p.lo, &p.hi);
    out[2 * r] = all.n ? all.sum / all.n : 0.0f;
    out[2 * r + 1] = all.n ? sqrtf(all.sq / all.n) : 0.0f;
  }
}
"""


def smooth_stats_reference(x: np.ndarray) -> np.ndarray:
    v = 0.25 * x[:, :-2] + 0.5 * x[:, 1:-1] + 0.25 * x[:, 2:]
    return np.stack([v.mean(1), np.sqrt((v * v).mean(1))], 1).ravel()


def test_struct_types_fields_and_layout():
    m = roundtrip(STRUCT_CPP, "s.cpp")
    structs = {name: t for name, t in m.typedefs if isinstance(t, Struct)}
    assert set(structs) == {"Taps", "Stats", "Pair"}         # the anonymous struct named by its typedef
    pair = structs["Pair"]
    assert [f for f, _ in pair.fields] == ["lo", "hi"] and pair.field("hi") == structs["Stats"]
    assert layout(pair) == ({"lo": 0, "hi": 12}, 24, 4)
    add = m.function("add")
    assert add.params[0].type == Reference(structs["Stats"])
    assert m.function("apply").params[0].type == Reference(structs["Taps"], const=True)


def test_structs_and_references_against_gxx_and_numpy():
    x = np.random.default_rng(2).standard_normal((4, 9)).astype(np.float32)
    inputs = {"out": np.zeros(8, np.float32), "x": x, "rows": np.int32(4), "cols": np.int32(9)}
    got, want = run_both(STRUCT_CPP, "s.cpp", "vnni", "smooth_stats", ["out", "x", "rows", "cols"], inputs)
    np.testing.assert_allclose(got["out"], smooth_stats_reference(x), rtol=1e-5, atol=1e-6)
    if want is not None:
        np.testing.assert_allclose(got["out"], want["out"], rtol=1e-6)


LAYOUT_BODY = """
struct Inner { short s; char c; };
struct Mixed { char c; double d; Inner in[2]; int a[3]; };
struct Level { int h, w, start; };
static const Level kLevels[3] = {{4, 5, 0}, {2, 3, 20}, {1, 1, 26}};

// the bytes of a struct as C lays it out, and a table of structs read through pointers
extern "C" void bytes(unsigned char* out, float* sums, const float* x) {
  Mixed m;
  memset(&m, 0, sizeof(Mixed));
  m.c = 'a'; m.d = 1.5; m.in[1].s = -2; m.in[0].c = 3; m.a[2] = 0x01020304;
  Mixed copy = m;
  copy.in[0].s = 9;
  memcpy(out, &copy, sizeof(Mixed));
  out[sizeof(Mixed)] = (unsigned char)sizeof(Inner);
  for (int l = 0; l < 3; ++l) {
    const Level* lv = &kLevels[l];
    float s = 0.f;
    for (int i = 0; i < lv->h * lv->w; ++i) s += x[lv->start + i];
    sums[l] = s;
  }
}
"""


def test_struct_layout_and_copies_match_gxx_byte_for_byte():
    text = "#include <string.h>\n" + LAYOUT_BODY
    m = roundtrip(text, "layout.cpp")
    mixed = dict(m.typedefs)["Mixed"]
    assert sizeof(mixed) == 40 and mixed.offset("d") == 8 and mixed.offset("in") == 16 and mixed.offset("a") == 24
    x = np.arange(27, dtype=np.float32)
    inputs = {"out": np.zeros(41, np.uint8), "sums": np.zeros(3, np.float32), "x": x}
    got, want = run_both(text, "layout.cpp", "vnni", "bytes", ["out", "sums", "x"], inputs)
    assert got["sums"].tolist() == [x[:20].sum(), x[20:26].sum(), x[26]]
    if want is not None:
        assert got["out"].tolist() == want["out"].tolist()
    assert got["out"][40] == 4


def test_reference_to_a_register_variable_and_to_memory():
    text = """
static inline void bump(int& k, float& v) { k += 1; v *= 2.0f; }
extern "C" void refs(int* counts, float* vals, int n) {
  int seen = 0;
  for (int i = 0; i < n; ++i) {
    float local = vals[i];
    bump(seen, local);
    bump(counts[i], vals[i]);
    float& alias = vals[i];
    alias += local;
  }
  counts[n] = seen;
}"""
    vals = np.arange(1, 6, dtype=np.float32)
    inputs = {"counts": np.zeros(6, np.int32), "vals": vals.copy(), "n": np.int32(5)}
    got, want = run_both(text, "r.cpp", "vnni", "refs", ["counts", "vals", "n"], inputs)
    assert got["counts"].tolist() == [1, 1, 1, 1, 1, 5]
    assert got["vals"].tolist() == (4 * vals).tolist()
    if want is not None:
        assert want["vals"].tolist() == got["vals"].tolist()


def test_loops_writing_through_references_stay_serial_in_the_interpreter():
    """The dependence analysis does not see the write `acc` makes through its reference: it
    would run the loop's iterations as lanes, each with its own `total`. The interpreter keeps
    such a function as written (xpiler/interp/cxx.py), and gets the running sum."""
    text = """
static inline void acc(float& total, float v) { total += v; }
extern "C" void running(float* y, const float* x, int n) {
  float total = 0.f;
  for (int i = 0; i < n; ++i) { acc(total, x[i]); y[i] = total; }
}"""
    x = np.arange(1, 9, dtype=np.float32)
    inputs = {"y": np.zeros(8, np.float32), "x": x, "n": np.int32(8)}
    got, want = run_both(text, "run.cpp", "vnni", "running", ["y", "x", "n"], inputs)
    assert got["y"].tolist() == np.cumsum(x).tolist()
    if want is not None:
        assert want["y"].tolist() == got["y"].tolist()


def test_struct_named_like_a_device_type_is_the_files_own():
    text = """
struct float4 { float x, y, z, w; };
extern "C" void k(float* out) { float4 q; q.x = 1; q.w = 4; out[0] = q.x + q.w; }"""
    m = roundtrip(text, "f4.cpp")
    assert isinstance(dict(m.typedefs)["float4"], Struct)
    out = Interpreter(m).run("k", {"out": np.zeros(1, np.float32)})["out"]
    assert out[0] == 5


# ---- immintrin.h macros ----------------------------------------------------------------------------

SHUFFLE_CPP = """
#include <immintrin.h>
static_assert(_MM_SHUFFLE(3, 2, 1, 0) == 0xE4, "identity selector");
static_assert(_MM_PERM_DCBA == 0xE4 && _MM_PERM_AAAA == 0 && _MM_PERM_ADCB == 0x39, "perm enum");
static_assert((_MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC) == 11 && _MM_FROUND_CUR_DIRECTION == 4, "rounding");
// each group of four floats reversed, each group of four ints rotated by one lane
extern "C" void shuffles(float* y, int* z, const float* x, const int* w, int n4) {
  for (int i = 0; i < n4; ++i) {
    __m128 v = _mm_loadu_ps(x + 4 * i);
    _mm_storeu_ps(y + 4 * i, _mm_shuffle_ps(v, v, _MM_SHUFFLE(0, 1, 2, 3)));
    __m128i u = _mm_loadu_si128((const __m128i*)(w + 4 * i));
    _mm_storeu_si128((__m128i*)(z + 4 * i), _mm_shuffle_epi32(u, _MM_PERM_ADCB));
  }
}
"""


def test_immintrin_macros_against_gxx():
    x = np.arange(16, dtype=np.float32)
    w = np.arange(100, 116, dtype=np.int32)
    inputs = {"y": np.zeros(16, np.float32), "z": np.zeros(16, np.int32), "x": x, "w": w, "n4": np.int32(4)}
    got, want = run_both(SHUFFLE_CPP, "sh.cpp", "vnni", "shuffles", ["y", "z", "x", "w", "n4"], inputs)
    assert got["y"].tolist() == x.reshape(4, 4)[:, ::-1].ravel().tolist()
    assert got["z"].tolist() == np.roll(w.reshape(4, 4), -1, axis=1).ravel().tolist()
    if want is not None:
        assert want["z"].tolist() == got["z"].tolist() and want["y"].tolist() == got["y"].tolist()


# ---- std:: math -------------------------------------------------------------------------------------

STD_MATH_CPP = """
#include <cmath>
#include <algorithm>
extern "C" void wave(float* y, int* k, const float* x, const int* j, float amp, int n) {
  for (int i = 0; i < n; ++i) {
    float v = amp * std::sin(x[i]) + std::exp(-std::fabs(x[i]));
    v = std::max(v, -1.0f);
    v = std::min(v, std::sqrt(std::abs(x[i]) + 1.0f));
    y[i] = v;
    k[i] = std::max(std::abs(j[i]), 3);
  }
}
"""


def std_math_reference(x, j, amp):
    v = amp * np.sin(x) + np.exp(-np.abs(x))
    return np.minimum(np.maximum(v, -1), np.sqrt(np.abs(x) + 1)), np.maximum(np.abs(j), 3)


def test_std_math_against_gxx_and_numpy():
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, 33).astype(np.float32)
    j = rng.integers(-9, 9, 33).astype(np.int32)
    inputs = {"y": np.zeros(33, np.float32), "k": np.zeros(33, np.int32), "x": x, "j": j,
              "amp": np.float32(1.5), "n": np.int32(33)}
    got, want = run_both(STD_MATH_CPP, "m.cpp", "vnni", "wave", ["y", "k", "x", "j", "amp", "n"], inputs)
    ry, rk = std_math_reference(x, j, 1.5)
    np.testing.assert_allclose(got["y"], ry, rtol=1e-5, atol=1e-6)
    assert got["k"].tolist() == rk.tolist()
    if want is not None:
        np.testing.assert_allclose(got["y"], want["y"], rtol=1e-6, atol=1e-7)


# ---- templates --------------------------------------------------------------------------------------

TEMPLATE_CU = """
// T deduced from the argument where it is called
template <typename T>
__device__ T clamp01(T v) { return v < T(0) ? T(0) : (v > T(1) ? T(1) : v); }

// partial sums of clamp01(x) per block; BLOCK sizes the shared array
template <int BLOCK, typename T>
__global__ void block_sum(const T* __restrict__ x, T* out, int n) {
  __shared__ T part[BLOCK];
  int t = threadIdx.x;
  T s = T(0);
  for (int i = blockIdx.x * BLOCK + t; i < n; i += BLOCK * gridDim.x) s += clamp01(x[i]);
  part[t] = s;
  __syncthreads();
  for (int k = BLOCK / 2; k > 0; k >>= 1) {
    if (t < k) part[t] += part[t + k];
    __syncthreads();
  }
  if (t == 0) out[blockIdx.x] = part[0];
}

extern "C" void clamped_partials(const float* x, float* out, int n) {
  float *dx, *dout;
  cudaMalloc(&dx, n * sizeof(float));
  cudaMalloc(&dout, 8 * sizeof(float));
  cudaMemcpy(dx, x, n * sizeof(float), cudaMemcpyHostToDevice);
  if (n > 1000)
    block_sum<128, float><<<8, 128>>>(dx, dout, n);
  else
    block_sum<32, float><<<8, 32>>>(dx, dout, n);
  cudaMemcpy(out, dout, 8 * sizeof(float), cudaMemcpyDeviceToHost);
  cudaFree(dx);
  cudaFree(dout);
}
"""


def clamped_partials_reference(x: np.ndarray, block: int) -> np.ndarray:
    c = np.clip(x, 0, 1).astype(np.float64)
    out = np.zeros(8)
    for i in range(len(x)):
        out[(i // block) % 8] += c[i]
    return out


def test_templates_are_instantiated_where_used():
    m = roundtrip(TEMPLATE_CU, "t.cu")
    names = [f.name for f in m.functions]
    assert names == ["clamp01__float", "block_sum__128_float", "block_sum__32_float", "clamped_partials"]
    big = m.function("block_sum__128_float")
    part = next(s for s in big.body.stmts if isinstance(s, ir.Decl) and s.name == "part")
    assert part.type.size == 128 and not big.template_params
    launches = [n for n in _walk(m) if isinstance(n, ir.Launch)]
    assert [l.kernel for l in launches] == ["block_sum__128_float", "block_sum__32_float"]


@pytest.mark.parametrize("n", [777, 2500])
def test_templates_against_the_cuda_cpu_emulation_and_numpy(n):
    x = np.random.default_rng(n).uniform(-0.5, 1.5, n).astype(np.float32)
    inputs = {"x": x, "out": np.zeros(8, np.float32), "n": np.int32(n)}
    got, want = run_both(TEMPLATE_CU, "t.cu", "cuda-cpu", "clamped_partials", ["x", "out", "n"], inputs)
    np.testing.assert_allclose(got["out"], clamped_partials_reference(x, 128 if n > 1000 else 32), rtol=1e-5)
    if want is not None:
        np.testing.assert_allclose(got["out"], want["out"], rtol=1e-6)


# ---- positioned errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, message, line", [
    ("void f(float& a) { a = 1; }\nvoid g(float x) {\n  f(x + 1.0f);\n}", "to a temporary", 3),
    ("void f(float& a) { a = 1; }\nvoid g(int x) {\n  f(x);\n}", "to a value of type int", 3),
    ("#include <vector>\nvoid g(int n) {\n  std::vector<float> v(n);\n  v.push_back(1.0f);\n}",
     "not supported: std::vector::push_back", 4),
    ("#include <vector>\nfloat g(const std::vector<float>& v) { return v[0]; }", "std::vector parameter 'v'", 2),
    ("template <typename T> T zero(int x) { return T(x); }\nvoid g() {\n  float a = zero(3);\n}",
     "cannot deduce the template argument 'T' of 'zero'", 3),
    ("struct Node { int v; float& w; };", "reference member 'w'", 1),
    ("void g() {\n  struct Later* p;\n}", "'struct Later' without its definition", 2),
    ("struct P { int a; };\nvoid g() {\n  P p = {1, 2};\n}", "excess elements", 3),
])
def test_errors_are_positioned(text, message, line):
    expect_error(text, "e.cpp", message, line)


def _walk(m: ir.Module):
    from xpiler.irutil import walk
    for f in m.functions:
        if f.body is not None:
            yield from walk(f.body)
