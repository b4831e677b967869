"""The saturate and rules subcommands, through argparse as xpiler/cli.py registers them."""
import argparse
import json

import pytest

from xpiler.diagnostics import XpilerError
from xpiler.egraph.cli import add_commands
from tests.egraph.kernels import SCALE


def xpiler(*argv) -> int:
    p = argparse.ArgumentParser(prog="xpiler")
    add_commands(p.add_subparsers(dest="command", required=True))
    args = p.parse_args([str(a) for a in argv])
    return args.run(args)


@pytest.fixture
def src(tmp_path):
    path = tmp_path / "scale.cpp"
    path.write_text(SCALE)
    return path


def test_saturate_prints_report_and_program(src, capsys):
    assert xpiler("saturate", src, "--to", "cpu") == 0
    out = capsys.readouterr().out
    assert "saturation: saturated" in out and "rules fired" in out
    assert "best program for vnni (cost" in out and 'extern "C" void scale(' in out


def test_saturate_json_dot_and_params(src, tmp_path, capsys):
    dot = tmp_path / "g.dot"
    assert xpiler("saturate", src, "--to", "vnni", "--json", "--iters", "2", "--dot", dot) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["report"]["stop"] in ("iteration limit", "saturated")
    assert data["report"]["limits"] == {"iterations": 2, "nodes": 20000, "seconds": 2.0}
    assert dot.read_text().startswith("digraph")
    xpiler("saturate", src, "--to", "vnni", "--json", "--param", "target.lanes=1")
    scalar = json.loads(capsys.readouterr().out)
    assert "omp simd" in data["program"] or data["report"]["stop"] == "iteration limit"
    assert "omp simd" not in scalar["program"]


def test_saturate_user_errors(src):
    with pytest.raises(XpilerError, match="unknown target"):
        xpiler("saturate", src, "--to", "tpu")
    with pytest.raises(XpilerError, match="--param expects"):
        xpiler("saturate", src, "--to", "vnni", "--param", "lanes")


def test_rules_list_and_check(tmp_path, capsys):
    assert xpiler("rules", "list") == 0
    out = capsys.readouterr().out
    assert "div-of-linear" in out and "rules/common/index.egg" in out
    (tmp_path / "ok.egg").write_text("(ruleset mine)\n(rewrite (Mul a b t) (Mul b a t) "
                                     ":when ((int-type t)) :ruleset mine :name \"my-comm\")\n")
    assert xpiler("rules", "check", tmp_path) == 0
    assert "1 rules: 1 verified, 0 failed" in capsys.readouterr().out
    (tmp_path / "bad.egg").write_text("(ruleset bad)\n(rewrite (Sub a b t) (Sub b a t) "
                                      ":when ((int-type t)) :ruleset bad :name \"sub-comm\")\n")
    assert xpiler("rules", "check", tmp_path, "--json") == 1
    rows = json.loads(capsys.readouterr().out)
    assert [r["ok"] for r in rows if r["rule"] == "sub-comm"] == [False]
