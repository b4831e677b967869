"""Integer IR expressions as z3 terms (C semantics for / and %), for the analyses that reason
about indices, guards and sizes with z3 (xpiler/launch.py, oracle/sizes.py).

What it cannot model (a load, a call, a float) becomes a fresh free variable: a formula about
such an expression is then about "some value", which is sound for "can this happen" questions
and never proves more than holds.
"""
from __future__ import annotations

import z3

from . import ir
from .types import DType, Scalar, sizeof


class Z3Ints:
    """One naming scope: the same variable or built-in maps to the same z3 constant."""

    def __init__(self, values: dict[str, int] | None = None, defs: dict[str, ir.Expr] | None = None):
        self.vars: dict[str, z3.ArithRef] = {}
        self.values = dict(values or {})          # names bound to known integers
        self.defs = dict(defs or {})              # names bound to expressions (single definitions)
        self.expanding: set[str] = set()
        self.fresh = 0

    def var(self, name: str) -> z3.ArithRef:
        return self.vars.setdefault(name, z3.Int(name))

    def _free(self) -> z3.ArithRef:
        self.fresh += 1
        return z3.Int(f"__free{self.fresh}")

    def int(self, e: ir.Expr) -> z3.ArithRef:
        if isinstance(e, ir.Const) and isinstance(e.value, (int, bool)):
            return z3.IntVal(int(e.value))
        if isinstance(e, ir.Builtin):
            return self.var(e.name)
        if isinstance(e, ir.Var) and is_int(e):
            if e.name in self.values:
                return z3.IntVal(self.values[e.name])
            if e.name in self.defs and e.name not in self.expanding:
                self.expanding.add(e.name)
                try:
                    return self.int(self.defs[e.name])
                finally:
                    self.expanding.discard(e.name)
            return self.var(e.name)
        if isinstance(e, ir.SizeOf) and sizeof(e.of):
            return z3.IntVal(sizeof(e.of))
        if isinstance(e, ir.Cast) and is_int(e) and is_int(e.operand):
            return self.int(e.operand)
        if isinstance(e, ir.Unary) and e.op in "-+":
            x = self.int(e.operand)
            return -x if e.op == "-" else x
        if isinstance(e, ir.Binary) and e.op in ("+", "-", "*") and is_int(e.left) and is_int(e.right):
            a, b = self.int(e.left), self.int(e.right)
            return a + b if e.op == "+" else a - b if e.op == "-" else a * b
        if isinstance(e, ir.Binary) and e.op in ("/", "%") and isinstance(e.right, ir.Const) \
                and isinstance(e.right.value, int) and e.right.value > 0 and is_int(e.left):
            a, c = self.int(e.left), e.right.value
            q = z3.If(a >= 0, a / c, -((-a) / c))          # C truncates toward zero
            return q if e.op == "/" else a - c * q
        if isinstance(e, ir.Ternary) and is_int(e):
            return z3.If(self.boolean(e.cond), self.int(e.then), self.int(e.other))
        return self._free()

    def boolean(self, e: ir.Expr) -> z3.BoolRef:
        if isinstance(e, ir.Binary) and e.op in ("<", "<=", ">", ">=", "==", "!=") \
                and is_int(e.left) and is_int(e.right):
            a, b = self.int(e.left), self.int(e.right)
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b, "==": a == b, "!=": a != b}[e.op]
        if isinstance(e, ir.Binary) and e.op in ("&&", "||"):
            a, b = self.boolean(e.left), self.boolean(e.right)
            return z3.And(a, b) if e.op == "&&" else z3.Or(a, b)
        if isinstance(e, ir.Unary) and e.op == "!":
            return z3.Not(self.boolean(e.operand))
        if is_int(e):
            return self.int(e) != 0
        self.fresh += 1
        return z3.Bool(f"__freeb{self.fresh}")


def is_int(e: ir.Expr) -> bool:
    t = e.type
    return isinstance(t, Scalar) and (t.dtype.is_int or t.dtype is DType.BOOL)


def single_definitions(body: ir.Stmt) -> dict[str, ir.Expr]:
    """Integer locals declared with an initialiser and never assigned again: name -> initialiser
    (names declared twice are left out: they may be different variables)."""
    from .irutil import walk
    defs: dict[str, ir.Expr] = {}
    seen: dict[str, int] = {}
    for n in walk(body):
        if isinstance(n, ir.Decl):
            seen[n.name] = seen.get(n.name, 0) + 1
            if n.init is not None and isinstance(n.type, Scalar) and n.type.dtype.is_int:
                defs[n.name] = n.init
        elif isinstance(n, ir.Assign) and isinstance(n.target, ir.Var):
            seen[n.target.name] = seen.get(n.target.name, 0) + 2
        elif isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var):
            seen[n.operand.name] = seen.get(n.operand.name, 0) + 2
    return {k: v for k, v in defs.items() if seen.get(k) == 1}
