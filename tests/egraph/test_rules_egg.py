"""Collect tests/rules/*.egg: egglog programs run after the prelude and every shipped rule file
(schedules not run); a failing `check` fails the test."""
from pathlib import Path

import pytest
from egglog.bindings import EggSmolError, EGraph

from xpiler.egraph import rulefiles

TESTS = sorted((Path(__file__).resolve().parents[1] / "rules").glob("*.egg"))


@pytest.mark.parametrize("path", TESTS, ids=[p.name for p in TESTS])
def test_rule_file(path):
    eg = EGraph()
    eg.run_program(*eg.parse_program(rulefiles.PRELUDE.read_text(), filename=str(rulefiles.PRELUDE)))
    for f in rulefiles.load(None).files:
        eg.run_program(*eg.parse_program(f.text, filename=str(f.path)))
    try:
        eg.run_program(*eg.parse_program(path.read_text(), filename=str(path)))
    except EggSmolError as e:
        pytest.fail(str(e))


def test_there_are_rule_tests():
    assert {p.name for p in TESTS} >= {"index.egg", "loops.egg", "bind.egg", "algebra.egg"}
