"""The names host code checks errors with: predefined macros (__FILE__, __LINE__), __func__, the
C library's streams and output calls, <assert.h>'s assert, and C++ streams with `<<` chains,
which are output (typed as streams), not shifts."""
import pytest

from xpiler import ir
from xpiler.builtins import FILE, OSTREAM
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.irutil import walk
from xpiler.printer import print_module
from xpiler.types import DType, I32, Pointer, Stream, scalar


def nodes(module, kind):
    return [n for f in module.functions for n in walk(f.body) if isinstance(n, kind)]


def test_file_and_line_expand_at_the_use_of_the_macro():
    src = ('#define WHERE(x) printf("%s:%d %s\\n", __FILE__, __LINE__, #x)\n'
           "void f(int n) {\n"
           "  WHERE(n + 1);\n"
           "  printf(\"%d\\n\", __LINE__);\n"
           "}\n")
    m = parse(src, "dir/checks.cpp", "vnni")
    first, second = nodes(m, ir.Call)
    assert [type(a).__name__ for a in first.args] == ["Str", "Str", "Const", "Str"]
    assert first.args[1].value == "dir/checks.cpp"          # the name as the user gave it
    assert first.args[2].value == 3 and first.args[3].value == "n + 1"
    assert second.args[1].value == 4


def test_position_macros_are_defined_for_the_preprocessor():
    src = ("#if defined(__LINE__) && defined __FILE__\nint a = 1;\n#endif\n"
           "#ifndef __FILE__\nint b = 2;\n#endif\n")
    assert [g.name for g in parse(src, "p.cpp", "vnni").globals] == ["a"]


def test_func_names_the_enclosing_function():
    src = "void launch_it() { puts(__func__); puts(__FUNCTION__); }\n"
    calls = nodes(parse(src, "f.cpp", "vnni"), ir.Call)
    assert [c.args[0].value for c in calls] == ["launch_it", "launch_it"]
    with pytest.raises(XpilerError, match="undeclared identifier '__func__'"):
        parse('const char* name = __func__;\n', "g.cpp", "vnni")


@pytest.mark.parametrize("platform,ext", [("cuda", "cu"), ("hip", "hip"), ("bang", "mlu"), ("vnni", "cpp")])
def test_stdio_names_are_typed(platform, ext):
    src = ("void f(int n) {\n"
           "  FILE* out = n > 0 ? stdout : stderr;\n"
           "  fprintf(stderr, \"%d\\n\", n);\n"
           "  fflush(stdout);\n"
           "  if (n < 0) exit(EXIT_FAILURE);\n"
           "  if (n > 100) std::abort();\n"
           "}\n")
    m = parse(src, "s." + ext, platform)
    streams = {n.name: n.type for n in nodes(m, ir.EnumConst)}
    assert streams == {"stdout": Pointer(FILE), "stderr": Pointer(FILE)}
    decl = nodes(m, ir.Decl)[0]
    assert decl.type == Pointer(FILE)
    calls = {c.callee: c.type for c in nodes(m, ir.Call)}
    assert calls["fprintf"] == I32 and calls["std::abort"].c() == "void"
    assert any(isinstance(n, ir.Const) and n.text == "EXIT_FAILURE" and n.value == 1 for n in walk(m.functions[0]))


def test_a_cerr_chain_is_output_and_an_int_shift_is_a_shift():
    src = ("void f(int n) {\n"
           "  std::cerr << \"n = \" << n << ' ' << 2.5f << std::endl;\n"
           "  int k = n << 2;\n"
           "}\n")
    m = parse(src, "c.cpp", "vnni")
    chain = nodes(m, ir.ExprStmt)[0].expr
    assert isinstance(chain, ir.Binary) and chain.type == OSTREAM
    assert chain.right == ir.EnumConst("std::endl", 0, Stream("manipulator"))
    shift = nodes(m, ir.Decl)[0].init
    assert shift.op == "<<" and shift.type == I32


def test_using_namespace_std_streams():
    src = "using namespace std;\nvoid f(int n) { cout << n << endl; cerr << \"x\"; }\n"
    names = {n.name for n in nodes(parse(src, "u.cpp", "vnni"), ir.EnumConst)}
    assert names == {"std::cout", "std::endl", "std::cerr"}
    with pytest.raises(XpilerError, match="undeclared identifier 'cout'"):
        parse("void f(int n) { cout << n; }\n", "v.cpp", "vnni")


def test_writing_a_vector_to_a_stream_is_refused_at_its_position():
    src = "__global__ void k() {}\nvoid f() {\n  float4 v = make_float4(1, 2, 3, 4);\n  std::cout << v;\n}\n"
    with pytest.raises(XpilerError) as info:
        parse(src, "w.cu", "cuda")
    assert info.value.span.line == 4 and "invalid operands to '<<'" in info.value.message


def test_assert_is_a_call_and_ndebug_removes_it():
    src = "#include <assert.h>\nvoid f(int n) { assert(n > 0 && \"positive\"); }\n"
    (call,) = nodes(parse(src, "a.cpp", "vnni"), ir.Call)
    assert call.callee == "assert" and call.type.c() == "void"
    quiet = parse("#define NDEBUG\n" + src.replace("n > 0", "undeclared_name > 0"), "b.cpp", "vnni")
    (stmt,) = quiet.functions[0].body.stmts
    assert isinstance(stmt.expr, ir.Cast) and stmt.expr.type.c() == "void"     # ((void)0), unevaluated


def test_error_strings_of_the_runtimes():
    src = ('__global__ void k() {}\nvoid f() { cudaError_t e = cudaGetLastError();\n'
           '  printf("%s %s\\n", cudaGetErrorString(e), cudaGetErrorName(e)); }\n')
    char_ptr = Pointer(scalar(DType.I8))
    calls = {c.callee: c.type for c in nodes(parse(src, "e.cu", "cuda"), ir.Call)}
    assert calls["cudaGetErrorString"] == char_ptr == calls["cudaGetErrorName"]
    hip = parse(src.replace("cuda", "hip"), "e.hip", "hip")
    assert {c.callee for c in nodes(hip, ir.Call)} >= {"hipGetErrorString", "hipGetErrorName"}
    bang = parse('void f() { cnrtRet_t r = cnrtSuccess; puts(cnrtGetErrorStr(r)); }\n', "e.mlu", "bang")
    assert {c.callee: c.type for c in nodes(bang, ir.Call)}["cnrtGetErrorStr"] == char_ptr


def test_printed_and_parsed_again_is_the_same_program():
    src = ('#include <iostream>\n#include <cstdio>\n'
           'void f(const float* x, int n) {\n'
           '  if (n <= 0) { fprintf(stderr, "%s:%d: bad n %d\\n", __FILE__, __LINE__, n); exit(2); }\n'
           '  std::cout << "x[0] = " << x[0] << std::endl;\n'
           '  assert(n < 1000);\n'
           '}\n')
    m = parse(src, "r.cpp", "vnni")
    again = parse(print_module(m), "r.cpp", "vnni")
    assert again.functions == m.functions
