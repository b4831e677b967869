"""Saturation: facts, limits and the report."""
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.egraph import facts, terms
from xpiler.egraph.saturate import Limits, Session
from xpiler.grammar import parse, parse_file
from tests.corpus_support import CORPUS
from tests.egraph.kernels import SCALE



def module():
    return parse(SCALE, "scale.cpp")


def test_facts_of_a_kernel():
    cmds = facts.analyse(terms.encode(module()))
    text = "\n".join(cmds)
    assert sum(c.startswith("(parallel (Loop (Serial) \"i\"") for c in cmds) == 1
    assert any(c.startswith("(parallel (Loop (Serial) \"r\"") for c in cmds)
    assert not any(c.startswith("(parallel (Loop (Serial) \"k\"") for c in cmds)   # y[k] <- y[k-1]
    assert "(divisible (Const 64" in text and "(divisible (Const 16" in text
    assert '(below (Var "c" (Scalar (DType.I32))) 16)' in text
    assert '(free-of (Const 16 (Scalar (DType.I32)) "16") "r")' in text


def test_variable_ranges_join_every_binder():
    m = parse('extern "C" void f(float* y) { for (int i = 0; i < 4; i++) { y[i] = 0.0f; }'
              ' for (int i = 2; i < 10; i++) { y[i] = 1.0f; } int j = 0; j = 5; }', "t.cpp")
    env = facts.variable_ranges(terms.encode(m))
    assert env[("i", ("Scalar", ("DType.I32",)))] == (0, 9)
    assert ("j", ("Scalar", ("DType.I32",))) not in env          # assigned: no range


def test_saturates_and_reports():
    s = Session.for_target("vnni")
    s.add_module(module())
    r = s.saturate(Limits(iterations=30, nodes=50_000, seconds=10))
    assert r.stop == "saturated" and r.saturated
    assert r.fired["mark-parallel"] >= 2 and r.fired["split-par"] >= 1
    assert r.iterations[-1].enodes > r.iterations[0].enodes
    assert r.rule_sites["split-par"].endswith("rules/common/loops.egg:39")
    text = r.render()
    assert "saturated after" in text and "e-classes" in text and "split-par" in text
    assert r.to_json()["limits"]["iterations"] == 30


@pytest.mark.parametrize("limits, stop", [
    (Limits(iterations=1, nodes=50_000, seconds=10), "iteration limit"),
    (Limits(iterations=30, nodes=100, seconds=10), "node limit"),
    (Limits(iterations=30, nodes=50_000, seconds=1e-9), "time limit"),
])
def test_limits_stop_saturation(limits, stop):
    s = Session.for_target("cuda")
    s.add_module(parse_file(CORPUS / "cuda" / "gemm_tiled.cu"))
    r = s.saturate(limits)
    assert r.stop == stop
    assert len(r.iterations) >= 2


def test_extra_rule_folder_runs_after_the_schedule(tmp_path, monkeypatch):
    (tmp_path / "mine.egg").write_text(
        "(ruleset mine)\n"
        "(rewrite (Mul a (Const 2 t x) t) (Add a a t) :when ((int-type t)) :ruleset mine :name \"double\")\n")
    m = parse('extern "C" void f(int* y, int n) { y[0] = n * 2; }', "t.cpp")
    s = Session.for_target("vnni", [str(tmp_path)])
    s.add_module(m)
    assert s.saturate().fired.get("double") == 1
    monkeypatch.setenv("XPILER_RULES_PATH", str(tmp_path))
    s = Session.for_target("vnni")
    s.add_module(m)
    assert s.saturate().fired.get("double") == 1


def test_bad_rule_folder_is_a_user_error(tmp_path):
    (tmp_path / "bad.egg").write_text("(ruleset r)\n(rewrite (NoSuchThing a) a :ruleset r)\n")
    with pytest.raises(XpilerError, match="bad.egg"):
        Session.for_target("vnni", [str(tmp_path)])
    with pytest.raises(XpilerError, match="does not exist"):
        Session.for_target("vnni", [str(tmp_path / "missing")])
    with pytest.raises(XpilerError, match="unknown target"):
        Session.for_target("tpu")
