"""Constant folding of IR expressions (array sizes, template arguments, static_assert), and of
the branches of statements whose conditions are constants (`prune`, after lifting host code)."""
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


def _fold_condition(e: ir.Expr) -> int | float | None:
    try:
        return fold(e)
    except (ArithmeticError, TypeError, ValueError):
        return None


def prune(body: ir.Block) -> ir.Block:
    """`body` without the branches constant conditions never take: `if (0 != 0) {...}` goes,
    `if (1) A else B` is A, `do {...} while (0)` runs its body once; then the declarations whose
    every use was in a dropped branch (and whose initializers have no effect) go too."""
    before = _var_uses(body)
    pruned = ir.Block(tuple(_prune_stmts(body.stmts)), body.span)
    after = _var_uses(pruned)
    dead = {name for name in before if name not in after}
    if not dead:
        return pruned
    return ir.Block(tuple(_prune_stmts(_drop_decls(pruned, dead).stmts)), body.span)


def _prune_stmts(stmts) -> list[ir.Stmt]:
    out: list[ir.Stmt] = []
    for s in stmts:
        for p in _prune(s):
            if isinstance(p, ir.Block) and not any(isinstance(x, ir.Decl) for x in p.stmts):
                out.extend(p.stmts)                 # a block that declares nothing: its statements
            else:
                out.append(p)
    return out


def _prune(s: ir.Stmt) -> list[ir.Stmt]:
    if isinstance(s, ir.Block):
        return [ir.Block(tuple(_prune_stmts(s.stmts)), s.span)]
    if isinstance(s, ir.If):
        c = _fold_condition(s.cond)
        if c is None:
            other = _branch(s.other) if s.other is not None else None
            return [ir.If(s.cond, _branch(s.then), other, s.span)]
        taken = s.then if c else s.other
        return [] if taken is None else [_branch(taken)]
    if isinstance(s, ir.While):
        c = _fold_condition(s.cond)
        if c is not None and not c and not (s.do_while and _escapes(s.body)):
            return [_branch(s.body)] if s.do_while else []      # do {...} while (0): once
        return [ir.While(s.cond, _branch(s.body), s.do_while, s.span)]
    if isinstance(s, ir.For) and not s.pragmas:     # (a parallel loop is a kernel: left as built)
        return [ir.For(s.init, s.cond, s.step, _branch(s.body), s.pragmas, s.span)]
    if isinstance(s, ir.Switch):
        return [ir.Switch(s.value, tuple(ir.Case(c.values, tuple(_prune_stmts(c.body))) for c in s.cases), s.span)]
    if isinstance(s, ir.ExprStmt) and not _has_effect(s.expr):
        return []                                   # `0;` (a void call's value, once inlined)
    return [s]


def _has_effect(e: ir.Expr) -> bool:
    from .irutil import walk
    return any(isinstance(n, (ir.Call, ir.Deref, ir.Index)) or isinstance(n, ir.Binary) and n.op in ("/", "%")
               or not isinstance(n.type, Scalar) for n in walk(e) if isinstance(n, ir.Expr))


def _branch(s: ir.Stmt) -> ir.Stmt:
    """A pruned branch or loop body: one statement (a block when it became several, or none)."""
    stmts = _prune(s)
    if len(stmts) == 1:
        return stmts[0]
    return ir.Block(tuple(stmts), getattr(s, "span", None))


def _escapes(s: ir.Stmt) -> bool:
    """A `break` or `continue` of `s` leaves the loop around it (nested loops keep their own)."""
    if isinstance(s, (ir.Break, ir.Continue)):
        return True
    if isinstance(s, (ir.For, ir.While)):
        return False
    if isinstance(s, ir.Switch):            # a break leaves the switch; a continue the loop
        return any(isinstance(n, ir.Continue) for c in s.cases for x in c.body for n in _own(x))
    if isinstance(s, ir.Block):
        return any(_escapes(x) for x in s.stmts)
    if isinstance(s, ir.If):
        return _escapes(s.then) or (s.other is not None and _escapes(s.other))
    return False


def _own(s: ir.Stmt):
    """`s` and the statements under it that are not inside a nested loop."""
    yield s
    if isinstance(s, ir.Block):
        for x in s.stmts:
            yield from _own(x)
    elif isinstance(s, ir.If):
        yield from _own(s.then)
        if s.other is not None:
            yield from _own(s.other)
    elif isinstance(s, ir.Switch):
        for c in s.cases:
            for x in c.body:
                yield from _own(x)


def _var_uses(node) -> set[str]:
    from .irutil import walk
    return {n.name for n in walk(node) if isinstance(n, ir.Var)}


def _drop_decls(node: ir.Block, dead: set[str]) -> ir.Block:
    from .irutil import transform, walk

    def drop(n):
        if isinstance(n, ir.Block):
            keep = tuple(s for s in n.stmts if not (
                isinstance(s, ir.Decl) and s.name in dead and "volatile" not in s.storage
                and not any(isinstance(x, ir.Call) for x in walk(s))))
            return n if len(keep) == len(n.stmts) else ir.Block(keep, n.span)
        return n
    return transform(node, drop)
