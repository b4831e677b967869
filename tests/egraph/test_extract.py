"""Extraction under per-target cost models: cost parameters change the program, the program
converts back to IR and computes what the source computes."""
import numpy as np
import pytest

from xpiler import ir
from xpiler.egraph import extract as ex
from xpiler.egraph import terms
from xpiler.egraph.cost import load_target
from xpiler.egraph.saturate import Limits, Session
from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.printer import print_module
from tests.egraph.kernels import SCALE


def best(target, model=None, text=SCALE):
    model = model or load_target(target)
    s = Session.for_target(target, model=model)
    s.add_module(parse(text, "scale.cpp"))
    s.saturate(Limits(iterations=30, nodes=50_000, seconds=10))
    cost, term = ex.extract(s.graph(), model)
    return cost, terms.decode(term)


def pragmas(m: ir.Module) -> list[tuple]:
    from xpiler.irutil import walk
    return [n.pragmas for n in walk(m.functions[0]) if isinstance(n, ir.For)]


def test_cost_parameters_change_the_extracted_program():
    model = load_target("vnni")
    _, simd = best("vnni", model)
    _, scalar = best("vnni", model.with_param("target", "lanes", 1))
    _, threads = best("vnni", model.with_param("parallel", "openmp_fork", 0.0))
    texts = {print_module(simd), print_module(scalar), print_module(threads)}
    assert len(texts) == 3
    assert ("omp simd",) in pragmas(simd)
    assert ("omp simd",) not in pragmas(scalar)
    assert ("omp parallel for schedule(static)",) in pragmas(threads)


def test_targets_extract_their_own_mappings():
    _, cuda = best("cuda")
    assert ("xpiler bind blockIdx.x",) in pragmas(cuda)
    assert ("xpiler bind threadIdx.x",) in pragmas(cuda)
    _, bang = best("bang")
    assert ("xpiler bind taskId",) in pragmas(bang)


def test_mapped_loops_do_not_nest_wrongly():
    for target in ("vnni", "cuda", "bang"):
        _, m = best(target)
        from xpiler.irutil import walk
        for outer in walk(m.functions[0]):
            if isinstance(outer, ir.For) and outer.pragmas in (("omp simd",), ("xpiler bind threadIdx.x",)):
                inner = [n for n in walk(outer.body) if isinstance(n, ir.For)]
                assert all(n.pragmas != outer.pragmas for n in inner), target


@pytest.mark.parametrize("target", ["vnni", "cuda", "bang"])
def test_extracted_program_computes_the_same(target):
    source = parse(SCALE, "scale.cpp")
    _, extracted = best(target)
    rng = np.random.default_rng(0)
    inputs = {"x": rng.standard_normal(256).astype(np.float32), "y": np.zeros(256, np.float32),
              "z": np.zeros(256, np.float32), "n": np.int32(40)}
    want = Interpreter(source).run("scale", {k: np.copy(v) for k, v in inputs.items()})
    got = Interpreter(extracted).run("scale", {k: np.copy(v) for k, v in inputs.items()})
    for k in want:
        np.testing.assert_array_equal(got[k], want[k])


def test_dot_draws_the_part_around_the_root():
    s = Session.for_target("vnni")
    s.add_module(parse(SCALE, "scale.cpp"))
    s.saturate()
    full = s.dot(max_classes=10_000)
    part = s.dot(max_classes=20)
    assert full.startswith("digraph egraph") and "cluster_" in full
    assert part.count("subgraph cluster_") == 20 and "more e-classes" in part
