"""C++ in kernels through the canonical form (lift/cxx.py) and out to every other target: a
std::vector is a malloc'd array freed where its scope ends, a reference a pointer, a struct local
an array of one struct (struct types are printed by every emitter), std:: math the C function of
its argument type, an OpenMP region's per-thread vector a slice of one buffer per iteration, a
template an ordinary function per instance. Each translation is verified by the pipeline (the
differential test in the interpreter, and the target's compiler where it is here). The kernels
are those of tests/grammar/test_cxx_kernels.py."""
import numpy as np
import pytest

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.irutil import walk
from xpiler.lift import lift
from xpiler.pipeline import translate
from xpiler.types import Pointer, Reference, StdVector, Struct

from tests.grammar.test_cxx_kernels import (GROW_CPP, STD_MATH_CPP, STRUCT_CPP, TEMPLATE_CU, VECTOR_CPP,
                                            SHUFFLE_CPP, clamped_partials_reference, smooth_stats_reference)

REGION_CPP = """
#include <vector>
// y[r][c] = prefix sum of row r at c minus the one at cols-1-c; one scratch row per thread
extern "C" void mirrored_prefix(float* y, const float* x, int rows, int cols) {
#pragma omp parallel
  {
    std::vector<float> run(cols);
#pragma omp for schedule(static)
    for (int r = 0; r < rows; ++r) {
      float s = 0.f;
      for (int c = 0; c < cols; ++c) { s += x[r * cols + c]; run[c] = s; }
      for (int c = 0; c < cols; ++c) y[r * cols + c] = run[c] - run[cols - 1 - c];
    }
  }
}
"""

# rows fixed: the check beyond two tiles of the output's loops then grows only the columns (the
# sources with structs and vectors run serially in the interpreter, xpiler/interp/cxx.py)
SMALL = {"rows": 5, "cols": (3, 12), "n": (3, 40), "n4": (1, 8)}
VNNI_SOURCES = {"vector": VECTOR_CPP, "struct": STRUCT_CPP, "std_math": STD_MATH_CPP, "shuffle": SHUFFLE_CPP,
                "region": REGION_CPP}


def canonical(text: str, filename: str) -> ir.Module:
    return lift(parse(text, filename))


def nodes(m: ir.Module):
    for f in m.functions:
        if f.body is not None:
            yield from walk(f.body)


def test_vector_is_a_malloced_array_freed_at_scope_end():
    m = canonical(VECTOR_CPP, "v.cpp")
    calls = [n.callee for n in nodes(m) if isinstance(n, ir.Call)]
    assert calls.count("malloc") == 3 and calls.count("free") == 3       # assign() reallocates
    body = m.function("center_cols").body.stmts
    assert [s.expr.callee for s in body[-2:]] == ["free", "free"]       # in reverse order of declaration
    assert not any(isinstance(n, ir.MethodCall) or isinstance(getattr(n, "type", None), StdVector) for n in nodes(m))


def test_free_before_a_return_that_leaves_the_scope():
    text = """#include <vector>
extern "C" int first_negative(const float* x, int n) {
  std::vector<float> seen(n);
  for (int i = 0; i < n; ++i) {
    seen[i] = x[i];
    if (x[i] < 0) return (int)seen.size() + i;
  }
  return -1;
}"""
    m = canonical(text, "r.cpp")
    returns = [s for s in nodes(m) if isinstance(s, ir.Block) and any(isinstance(x, ir.Return) for x in s.stmts)]
    assert len(returns) == 2                                 # inside the loop, and at the end
    for block in returns:
        k = next(i for i, x in enumerate(block.stmts) if isinstance(x, ir.Return))
        assert isinstance(block.stmts[k - 1], ir.ExprStmt) and block.stmts[k - 1].expr.callee == "free"
    inner = next(b for b in returns if b is not m.function("first_negative").body)
    assert isinstance(inner.stmts[0], ir.Decl) and inner.stmts[0].name.startswith("__ret")   # the value, first


def test_references_are_pointers_and_struct_locals_arrays_of_one():
    m = canonical(STRUCT_CPP, "s.cpp")
    add = m.function("add")
    assert isinstance(add.params[0].type, Pointer) and isinstance(add.params[0].type.to, Struct)
    assert not any(isinstance(getattr(n, "type", None), Reference) for n in nodes(m))
    decls = {n.name: n.type for n in nodes(m) if isinstance(n, ir.Decl)}
    assert decls["p"].size == 1 and decls["p"].of.name == "Pair"
    structs = [t.name for _, t in m.typedefs if isinstance(t, Struct)]
    assert structs == ["Taps", "Stats", "Pair"]


def test_std_math_is_the_c_function_of_the_argument_type():
    m = canonical(STD_MATH_CPP, "m.cpp")
    called = {n.callee for n in nodes(m) if isinstance(n, ir.Call)}
    assert {"sinf", "expf", "fabsf", "fmaxf", "fminf", "sqrtf", "abs", "max"} <= called
    assert not any(c.startswith("std::") for c in called)


def test_region_vector_is_a_slice_per_iteration():
    m = canonical(REGION_CPP, "p.cpp")
    f = m.function("mirrored_prefix")
    top = f.body.stmts
    loop = next(s for s in top if isinstance(s, ir.For))
    assert "omp parallel for" in loop.pragmas
    assert not any(isinstance(n, ir.Call) and n.callee in ("malloc", "free") for n in walk(loop))
    assert [n.callee for s in top for n in walk(s) if isinstance(n, ir.Call) and n.callee in ("malloc", "free")] \
        == ["malloc", "free"]


def test_template_instances_are_plain_functions():
    m = canonical(TEMPLATE_CU, "t.cu")
    assert {f.name for f in m.functions} >= {"clamp01__float", "clamped_partials"}
    assert not any(f.template_params for f in m.functions)


def test_reference_argument_in_a_loop_condition_is_refused_with_its_position():
    text = """
static inline bool next(int& i, int n) { i += 1; return i < n; }
extern "C" void k(float* y, int n) {
  int i = 0;
  while (next(i, n))
    y[i] = 1.0f;
}"""
    with pytest.raises(XpilerError) as e:
        canonical(text, "c.cpp")
    assert "cannot translate a call passing an argument by reference in a condition" in e.value.message
    assert e.value.span.line == 5


@pytest.mark.parametrize("target", ["cuda", "hip", "bang"])
@pytest.mark.parametrize("name", sorted(VNNI_SOURCES))
def test_vnni_source_translates_verified(name, target, tmp_path):
    src = tmp_path / f"{name}.cpp"
    src.write_text(VNNI_SOURCES[name])
    result = translate(src, target, examples=2, sizes=SMALL)
    assert result.verified, result.header()


def test_resized_vector_translates_to_vnni_and_is_refused_by_device_staging(tmp_path):
    src = tmp_path / "grow.cpp"
    src.write_text(GROW_CPP)
    result = translate(src, "vnni", examples=2, sizes=SMALL)
    assert result.verified, result.header()
    for target in ("cuda", "bang"):
        with pytest.raises(XpilerError) as e:
            translate(src, target, examples=2, sizes=SMALL)
        assert e.value.message.startswith(f"cannot translate the parallel loop using the host buffer 'v' to {target}")
        assert e.value.span.line == 4                      # the declaration of the vector


@pytest.mark.parametrize("target", ["hip", "bang", "vnni"])
def test_template_source_translates_verified(target, tmp_path):
    src = tmp_path / "t.cu"
    src.write_text(TEMPLATE_CU)
    result = translate(src, target, examples=2, sizes={"n": (1, 3000)})
    assert result.verified, result.header()
    out = parse(result.text, "t.out", target)
    x = np.random.default_rng(5).uniform(-0.5, 1.5, 1200).astype(np.float32)
    got = Interpreter(out).run("clamped_partials", {"x": x, "out": np.zeros(8, np.float32), "n": np.int32(1200)})
    np.testing.assert_allclose(got["out"], clamped_partials_reference(x, 128), rtol=1e-5)


def test_struct_named_like_a_cuda_type_is_renamed_in_cuda(tmp_path):
    src = tmp_path / "f4.cpp"
    src.write_text("""
struct float4 { float x, y, z, w; };
static inline float total(const float4& q) { return q.x + q.y + q.z + q.w; }
extern "C" void k(float* out, const float* in, int n) {
  for (int i = 0; i < n; i++) {
    float4 q = {in[4 * i], in[4 * i + 1], in[4 * i + 2], in[4 * i + 3]};
    out[i] = total(q);
  }
}""")
    result = translate(src, "cuda", examples=2, sizes={"n": (1, 20)})
    assert result.verified, result.header()
    assert "struct float4_ { float x; float y; float z; float w; };" in result.text
    assert "struct float4 " not in result.text


def test_struct_outputs_agree_with_numpy(tmp_path):
    src = tmp_path / "s.cpp"
    src.write_text(STRUCT_CPP)
    x = np.random.default_rng(6).standard_normal((3, 8)).astype(np.float32)
    for target in ("cuda", "bang"):
        result = translate(src, target, examples=1, sizes=SMALL)
        out = Interpreter(parse(result.text, "s.out", target)).run(
            "smooth_stats", {"out": np.zeros(6, np.float32), "x": x, "rows": np.int32(3), "cols": np.int32(8)})
        np.testing.assert_allclose(out["out"], smooth_stats_reference(x), rtol=1e-5, atol=1e-6)
