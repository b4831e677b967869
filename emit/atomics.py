"""Recognise the canonical form's atomic updates, for every emitter (docs/canonical.md: a
`#pragma omp atomic` or `omp critical` statement right before the update it protects).

`updates(body, lower)` hands each (pragma, update) pair of `body` to the emitter's `lower`, which
returns the statements replacing both; `form(pragma, update)` says what the update computes:
`x op= v` / `x = x op v` under `omp atomic`, and `if (v > x) x = v;` (either operand order,
> >= < <=) or `x = fmaxf(x, v)` (fmax, max, fmin, min) under `omp critical`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from xpiler import ir
from xpiler.irutil import transform

PRAGMAS = ("omp atomic", "omp critical")
MAX_MIN_CALLS = {"fmaxf": "max", "fmax": "max", "max": "max", "fminf": "min", "fmin": "min", "min": "min"}


@dataclass(frozen=True)
class Update:
    op: str                 # + - * & | ^ (omp atomic) or max / min (omp critical)
    target: ir.Expr         # the lvalue updated
    value: ir.Expr


def updates(body: ir.Stmt, lower: Callable[[ir.PragmaStmt, ir.Stmt], list[ir.Stmt]]) -> ir.Stmt:
    """`body` with every pragma/update pair replaced by `lower(pragma, update)`; a pragma with no
    statement after it is left in place for the caller to refuse."""
    def fix(node):
        if not (isinstance(node, ir.Block) and any(_is_pragma(s) for s in node.stmts)):
            return node
        out, stmts, i = [], node.stmts, 0
        while i < len(stmts):
            if _is_pragma(stmts[i]) and i + 1 < len(stmts):
                out += lower(stmts[i], stmts[i + 1])
                i += 2
            else:
                out.append(stmts[i])
                i += 1
        return ir.Block(tuple(out), node.span)
    return transform(body, fix)


def _is_pragma(s) -> bool:
    return isinstance(s, ir.PragmaStmt) and s.text in PRAGMAS


def _single(s: ir.Stmt) -> ir.Stmt:
    while isinstance(s, ir.Block) and len(s.stmts) == 1:
        s = s.stmts[0]
    return s


def form(pragma: ir.PragmaStmt, update: ir.Stmt) -> Update | None:
    """What a protected update computes, or None for any other statement."""
    s = _single(update)
    if pragma.text == "omp atomic":
        if not isinstance(s, ir.Assign):
            return None
        if s.op is not None:
            return Update(s.op, s.target, s.value)
        v = s.value
        if isinstance(v, ir.Binary) and v.left == s.target and v.op in "+-*&|^":
            return Update(v.op, s.target, v.right)
        return None
    if isinstance(s, ir.Assign) and s.op is None and isinstance(s.value, ir.Call) and len(s.value.args) == 2:
        kind = MAX_MIN_CALLS.get(s.value.callee)
        a, b = s.value.args
        if kind and s.target in (a, b):
            return Update(kind, s.target, b if a == s.target else a)
        return None
    if not (isinstance(s, ir.If) and s.other is None and isinstance(s.cond, ir.Binary)):
        return None
    then = _single(s.then)
    if not (isinstance(then, ir.Assign) and then.op is None):
        return None
    c, target, value = s.cond, then.target, then.value
    if c.left == value and c.right == target:
        kind = {">": "max", ">=": "max", "<": "min", "<=": "min"}.get(c.op)
    elif c.left == target and c.right == value:
        kind = {"<": "max", "<=": "max", ">": "min", ">=": "min"}.get(c.op)
    else:
        kind = None
    return Update(kind, target, value) if kind else None
