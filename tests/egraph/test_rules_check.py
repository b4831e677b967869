"""`xpiler rules check`: the shipped rules are verified; planted wrong rules are rejected with a
counterexample at their file:line."""
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.egraph import rulefiles, rules_check

PLANTED = """\
(ruleset planted)
;; (a + b) / c -> a/c + b/c on integers: wrong (truncation)
(rewrite (Div (Add a b t) c t) (Add (Div a c t) (Div b c t) t)
         :when ((int-type t)) :ruleset planted :name "div-distribute")
;; a + 0.0 -> a: wrong for a = -0.0
(rewrite (Add a (ConstF 0.0 t x) t) a :when ((float-type t) (= (type-of a) t))
         :ruleset planted :name "fadd-zero")
;; constant folding without the range guard
(rewrite (Add (Const a t x) (Const b t y) t) (Const (+ a b) t "") :when ((int-type t))
         :ruleset planted :name "fold-add-unguarded")
;; a serial loop is parallel: wrong without the dependence fact
(rule ((= l (Loop (Serial) v t lo hi s body)))
      ((union l (Loop (Par) v t lo hi s body)))
      :ruleset planted :name "parallel-always")
;; split by 4 without knowing that 4 divides the trip count
(rewrite (Loop (Serial) v t (Const 0 t z) hi (Const 1 t o) body)
         (Loop (Serial) (+ v "_o") t (Const 0 t "") (Div hi (Const 4 t "") t) (Const 1 t "")
               (Loop (Serial) (+ v "_i") t (Const 0 t "") (Const 4 t "") (Const 1 t "")
                     (Let v t (Add (Mul (Var (+ v "_o") t) (Const 4 t "") t) (Var (+ v "_i") t) t) body)))
         :ruleset planted :name "split-unguarded")
;; sqrtf(x * x) -> fabsf(x): wrong (x * x rounds and overflows)
(rewrite (Intr "sqrtf" (ECons (Mul x x t) (ENil)) t ta) (Intr "fabsf" (ECons x (ENil)) t ta)
         :when ((float-type t) (= (type-of x) t)) :ruleset planted :name "sqrt-square")
"""

LINES = {"div-distribute": 3, "fadd-zero": 6, "fold-add-unguarded": 9, "parallel-always": 12,
         "split-unguarded": 16, "sqrt-square": 22}


def test_shipped_rules_all_pass():
    files, context = rules_check.files_for(str(rulefiles.RULES_DIR))
    verdicts = rules_check.check(files, context)
    assert len(verdicts) >= 40
    bad = [v.render() for v in verdicts if not v.ok]
    assert not bad, "\n".join(bad)
    methods = " ".join(v.method for v in verdicts)
    assert "z3 integers" in methods and "IEEE floats" in methods and "interpreter" in methods


@pytest.fixture(scope="module")
def planted_verdicts(tmp_path_factory):
    d = tmp_path_factory.mktemp("planted")
    (d / "wrong.egg").write_text(PLANTED)
    files, context = rules_check.files_for(str(d))
    return {v.rule.name: v for v in rules_check.check(files, context)}


@pytest.mark.parametrize("name", sorted(LINES))
def test_planted_wrong_rule_is_rejected(planted_verdicts, name):
    v = planted_verdicts[name]
    assert not v.ok
    assert v.rule.line == LINES[name]
    assert "counterexample" in v.detail
    assert v.render().splitlines()[0].endswith(f"wrong.egg:{LINES[name]}: {name}: FAILED ({v.method})")


def test_counterexamples_say_what_differs(planted_verdicts):
    assert "a = -0.0" in planted_verdicts["fadd-zero"].detail
    assert "out of the type's range" in planted_verdicts["fold-add-unguarded"].detail
    split = planted_verdicts["split-unguarded"].detail
    assert "i_o < " in split and "/ 4" in split          # the instance, printed as C


def test_unknown_marks_and_unsupported_rules_fail(tmp_path):
    (tmp_path / "r.egg").write_text(
        "(ruleset r)\n"
        ";; @fast-math\n"
        "(rewrite (Add a b t) (Add b a t) :ruleset r :name \"marked\")\n"
        "(rule ((= e (Add a b t))) ((nonneg e)) :ruleset r :name \"derives-a-fact\")\n")
    files, context = rules_check.files_for(str(tmp_path))
    v = {x.rule.name: x for x in rules_check.check(files, context)}
    assert not v["marked"].ok and "unknown mark @fast-math" in v["marked"].detail
    assert not v["derives-a-fact"].ok and v["derives-a-fact"].method == "unsupported"


def test_a_file_egglog_rejects_is_named(tmp_path):
    (tmp_path / "broken.egg").write_text("(ruleset r)\n(rewrite (Add a b) a :ruleset r)\n")
    files, context = rules_check.files_for(str(tmp_path))
    with pytest.raises(XpilerError, match="broken.egg"):
        rules_check.check(files, context)


def test_schedules_are_only_in_schedule_files(tmp_path):
    (tmp_path / "x.egg").write_text("(ruleset r)\n(run-schedule (run r))\n")
    with pytest.raises(XpilerError, match="x.egg:2"):
        rules_check.files_for(str(tmp_path))
