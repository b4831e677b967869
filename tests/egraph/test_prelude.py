"""egraph/prelude.egg is generated from the IR classes: regenerating it changes nothing."""
from egglog.bindings import EGraph

from xpiler.egraph import prelude, terms


def test_prelude_is_up_to_date():
    generated = prelude.generate()
    assert prelude.PRELUDE.read_text() == generated, \
        "egraph/prelude.egg is stale: run `python -m xpiler.egraph.prelude`"


def test_prelude_loads_and_covers_every_ir_class():
    eg = EGraph()
    eg.run_program(*eg.parse_program(prelude.generate(), filename="prelude.egg"))
    text = prelude.generate()
    for cls in terms.IR_CLASSES:
        if cls.__name__ not in ("Binary", "Unary", "Const"):
            assert f"(constructor {cls.__name__} " in text, cls.__name__
    for op in terms.BINARY_OPS.values():
        assert f"(constructor {op} (Expr Expr Type) Expr)" in text
