"""Cosmetic clean-ups of emitted code that keep its meaning: integer constant subexpressions
folded (`128 * 1 * 1` -> `128`, once block sizes are known), `x * 1`, `x / 1`, `x + 0` -> `x`,
and unused declarations without side effects removed (`int __tid_y = __t / 128 % 1;`)."""
from __future__ import annotations

from xpiler import ir
from xpiler.constfold import fold
from xpiler.irutil import transform, walk
from xpiler.types import Scalar


def _int(e: ir.Expr) -> bool:
    return isinstance(e.type, Scalar) and e.type.dtype.is_int and e.type.dtype.bits > 8


def _pure(e: ir.Expr) -> bool:
    return not any(isinstance(n, ir.Call) for n in walk(e))


def _fold(e):
    if not isinstance(e, ir.Binary) or not _int(e):
        return e
    v = fold(e)
    if isinstance(v, int) and isinstance(e.left, ir.Const) and isinstance(e.right, ir.Const):
        return ir.Const(v, e.type, str(v), e.span)
    one = lambda x: isinstance(x, ir.Const) and x.value == 1 and x.type == e.type
    zero = lambda x: isinstance(x, ir.Const) and x.value == 0 and x.type == e.type
    if e.op == "*" and one(e.right) and e.left.type == e.type:
        return e.left
    if e.op == "*" and one(e.left) and e.right.type == e.type:
        return e.right
    if e.op == "/" and one(e.right) and e.left.type == e.type:
        return e.left
    if e.op in "+-" and zero(e.right) and e.left.type == e.type:
        return e.left
    if e.op == "+" and zero(e.left) and e.right.type == e.type:
        return e.right
    if e.op == "%" and one(e.right) and _pure(e.left):
        return ir.Const(0, e.type, "0", e.span)
    return e


def simplify(s):
    return transform(s, _fold)


def drop_unused(body: ir.Block) -> ir.Block:
    """Remove declarations of names nobody reads whose initialiser has no side effect, and
    empty blocks."""
    while True:
        used: set[str] = set()
        decls: list[ir.Decl] = []
        dead: set[int] = set()
        for n in walk(body):                      # one walk: the names read, declarations, empty blocks
            if isinstance(n, ir.Var):
                used.add(n.name)
            elif isinstance(n, ir.Decl):
                decls.append(n)
            elif isinstance(n, ir.Block) and not n.stmts:
                dead.add(id(n))
        dead |= {id(n) for n in decls if n.name not in used and n.ctor_args is None
                 and (n.init is None or _pure(n.init))}
        if not dead:
            return body

        def fix(n):
            if isinstance(n, ir.Block) and any(id(x) in dead for x in n.stmts):
                return ir.Block(tuple(x for x in n.stmts if id(x) not in dead), n.span)
            return n
        body = transform(body, fix)
