"""Constant folding of IR expressions (array sizes, template arguments, static_assert)."""
from __future__ import annotations

from . import ir
from .types import Scalar, sizeof


def fold(e: ir.Expr) -> int | float | None:
    """Evaluate a constant expression (array sizes, template arguments); None if not constant."""
    if isinstance(e, ir.Const):
        return e.value
    if isinstance(e, ir.EnumConst):
        return e.value
    if isinstance(e, ir.SizeOf):
        return sizeof(e.of)
    if isinstance(e, ir.Cast):
        v = fold(e.operand)
        if v is None:
            return None
        return int(v) if isinstance(e.type, Scalar) and e.type.dtype.is_int else v
    if isinstance(e, ir.Unary):
        v = fold(e.operand)
        if v is None:
            return None
        return {"-": lambda x: -x, "+": lambda x: x, "!": lambda x: int(not x), "~": lambda x: ~int(x)}[e.op](v)
    if isinstance(e, ir.Binary):
        a, b = fold(e.left), fold(e.right)
        if a is None or b is None:
            return None
        is_int = isinstance(e.type, Scalar) and e.type.dtype.is_int
        ops = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
               "/": lambda: (int(a / b) if is_int else a / b) if b else None,
               "%": lambda: (a - b * int(a / b)) if b else None, "<<": lambda: a << b, ">>": lambda: a >> b,
               "<": lambda: int(a < b), ">": lambda: int(a > b), "<=": lambda: int(a <= b),
               ">=": lambda: int(a >= b), "==": lambda: int(a == b), "!=": lambda: int(a != b),
               "&": lambda: a & b, "|": lambda: a | b, "^": lambda: a ^ b,
               "&&": lambda: int(bool(a) and bool(b)), "||": lambda: int(bool(a) or bool(b))}
        return ops[e.op]()
    if isinstance(e, ir.Ternary):
        c = fold(e.cond)
        return None if c is None else fold(e.then if c else e.other)
    return None
