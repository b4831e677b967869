"""Term encoding: IR -> terms -> IR is the identity on the whole corpus, directly and through
egglog (inserted, read back with freeze, extracted); the canonical forms are really used."""
from collections import Counter

import pytest
from egglog.bindings import EGraph

from xpiler import ir, types
from xpiler.egraph import terms
from xpiler.egraph.extract import Graph, TermSize, costs, term_of
from xpiler.egraph.rulefiles import PRELUDE
from xpiler.grammar import parse, parse_file
from tests.corpus_support import CORPUS, EXTENSIONS

FILES = sorted(p for ext in EXTENSIONS.values() for p in CORPUS.glob(f"*/*{ext}"))
IDS = [f"{p.parent.name}/{p.name}" for p in FILES]


def _first_difference(a, b, path="module"):
    import dataclasses
    if type(a) is not type(b):
        return f"{path}: {type(a).__name__} != {type(b).__name__}"
    if dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            if f.compare:
                d = _first_difference(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
                if d:
                    return d
        return None
    if isinstance(a, tuple):
        if len(a) != len(b):
            return f"{path}: {len(a)} items != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} != {b!r}"


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_round_trip_through_terms_and_egglog(path):
    module = parse_file(path)
    term = terms.encode(module)
    back = terms.decode(term)
    assert back == module, _first_difference(module, back)
    eg = EGraph()
    eg.run_program(*eg.parse_program(PRELUDE.read_text(), filename=str(PRELUDE)))
    eg.run_program(*eg.parse_program(f"(let $root {terms.to_sexpr(term)})"))
    graph = Graph.from_egraph(eg)
    extracted = term_of(graph, costs(graph, TermSize()), graph.root)
    assert extracted == term
    assert terms.decode(extracted) == module


def test_canonical_forms_are_used_on_the_corpus():
    seen = Counter()
    for path in FILES:
        stack = [terms.encode(parse_file(path))]
        while stack:
            t = stack.pop()
            seen[t[0]] += 1
            stack.extend(c for c in t[1:] if isinstance(c, tuple))
    for form in ("Loop", "Store", "Alloc", "Barrier", "Intr"):
        assert seen[form] > 10, (form, seen[form])
    kinds = {k for k in ("Serial", "Unrolled", "OpenMP") if seen[k]}
    assert kinds == {"Serial", "Unrolled", "OpenMP"}


def _fn(body: str) -> ir.Stmt:
    return parse('extern "C" void f(float* y, int n) {\n' + body + "\n}", "t.cpp").functions[0].body.stmts[0]


def test_counted_loop_is_a_loop_term_with_its_kind():
    t = terms.encode(_fn("#pragma unroll\nfor (int i = 0; i < n; i++) { y[i] = 1.0f; }"))
    assert t[0] == "Loop" and t[1] == ("Unrolled",) and t[2] == "i"
    assert t[7][1][1][0] == "Store"


def test_loop_whose_body_moves_the_index_stays_a_for():
    t = terms.encode(_fn("for (int i = 0; i < n; i++) { y[i] = 1.0f; i += 2; }"))
    assert t[0] == "For"


def test_bound_loops_and_lets_decode_to_ir():
    i32 = ("Scalar", ("DType.I32",))
    body = ("Block", ("SCons", ("Barrier", "__syncthreads"), ("SNil",)))
    loop = ("Loop", ("Bound", ("Axis.THREAD_X",)), "t", i32, ("Const", 0, i32, ""), ("Var", "n", i32),
            ("Const", 1, i32, ""), ("Let", "i", i32, ("Var", "t", i32), body))
    node = terms.decode(loop)
    assert isinstance(node, ir.For) and node.pragmas == ("xpiler bind threadIdx.x",)
    assert isinstance(node.body, ir.Block) and node.body.stmts[0].name == "i"
    assert node.body.stmts[0].storage == frozenset({"const"})
    assert terms.encode(node)[0] == "Loop"              # the bound loop comes back as a Loop


def test_optional_fields_round_trip():
    s = ir.Decl("a", types.Array(types.F32, None, types.Space.SHARED), storage=frozenset({"extern"}),
                space=types.Space.SHARED)
    assert terms.decode(terms.encode(s)) == s
    c = ir.Const(-1, types.I32)
    assert terms.decode(terms.encode(c)) == c
    e = ir.Str("", types.Pointer(types.scalar(types.DType.I8)))
    assert terms.decode(terms.encode(e)) == e


def test_literals_survive_egglog_text():
    for v in (0.1, -0.0, 1e-40, 3.4028234663852886e38, float("inf")):
        assert float(terms.literal(v).replace("inf", "inf")) == v
    assert terms.literal('a"b\n') == '"a\\"b\\n"'
