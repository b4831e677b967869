"""Scope-aware rewriting for the emitters: substitute or collect the free names of statements
knowing which declaration each name refers to, and a top-down tree rewriter.

`Scoped` walks statements with an environment `env` mapping a visible name to a replacement
expression, or to None when the name is declared (and so shadowed) inside the walked code.
Subclasses override `decl` (how a declaration binds) and `expr` (how an expression is rewritten).
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.irutil import node_fields, transform, walk

class Scoped:
    """Rebuild a statement tree; `env` is copied at every scope, so bindings end with it."""

    def expr(self, e: ir.Expr, env: dict) -> ir.Expr:
        def fix(n):
            if isinstance(n, ir.Var) and env.get(n.name) is not None:
                return env[n.name]
            return n
        return transform(e, fix)

    def decl(self, d: ir.Decl, env: dict) -> ir.Decl:
        env[d.name] = None
        return d

    def run(self, s: ir.Stmt, env: dict | None = None) -> ir.Stmt:
        return self.stmt(s, dict(env or {}))

    def stmts(self, items, env: dict) -> tuple:
        return tuple(self.stmt(s, env) for s in items)

    def stmt(self, s: ir.Stmt, env: dict) -> ir.Stmt:
        """`s` rewritten; a declaration binds in `env` (the caller's scope)."""
        e = lambda x: self.expr(x, env) if x is not None else None
        if isinstance(s, ir.Decl):
            d = dataclasses.replace(s, init=e(s.init), ctor_args=None if s.ctor_args is None
                                    else tuple(e(a) for a in s.ctor_args))
            return self.decl(d, env)
        if isinstance(s, ir.Block):
            return ir.Block(self.stmts(s.stmts, dict(env)), s.span)
        if isinstance(s, ir.Assign):
            return ir.Assign(e(s.target), s.op, e(s.value), s.span)
        if isinstance(s, ir.ExprStmt):
            return ir.ExprStmt(e(s.expr), s.span)
        if isinstance(s, ir.Return):
            return ir.Return(e(s.value), s.span)
        if isinstance(s, ir.If):
            return ir.If(e(s.cond), self.stmt(s.then, dict(env)),
                         self.stmt(s.other, dict(env)) if s.other is not None else None, s.span)
        if isinstance(s, ir.For):
            return self.loop(s, dict(env))
        if isinstance(s, ir.While):
            return ir.While(e(s.cond), self.stmt(s.body, dict(env)), s.do_while, s.span)
        if isinstance(s, ir.Switch):
            inner = dict(env)
            cases = tuple(ir.Case(tuple(self.expr(v, env) for v in c.values), self.stmts(c.body, inner))
                          for c in s.cases)
            return ir.Switch(e(s.value), cases, s.span)
        if isinstance(s, ir.Launch):
            return dataclasses.replace(s, config=tuple(e(c) for c in s.config), args=tuple(e(a) for a in s.args))
        return s

    def loop(self, s: ir.For, env: dict) -> ir.For:
        init = self.stmts(s.init, env)
        cond = self.expr(s.cond, env) if s.cond is not None else None
        step = self.stmts(s.step, env)
        return ir.For(init, cond, step, self.stmt(s.body, dict(env)), s.pragmas, s.span)


class Substitute(Scoped):
    """Replace free occurrences of names by expressions (inner declarations shadow)."""


class FreeVars(Scoped):
    """The names a statement uses but does not declare, in order of first use, with a type."""

    def __init__(self):
        self.found: dict[str, ir.Var] = {}

    def expr(self, e, env):
        for n in walk(e):
            if isinstance(n, ir.Var) and n.name not in env and n.name not in self.found:
                self.found[n.name] = n
        return e


def map_top_down(node, fn):
    """Rebuild `node` top-down: `fn(n)` returns a replacement (not visited further) or None."""
    new = fn(node)
    if new is not None:
        return new
    if not dataclasses.is_dataclass(node) or not isinstance(node, (ir.Expr, ir.Stmt, ir.Case)):
        return node
    changes = {}
    for name in node_fields(node):               # the others hold no node
        v = getattr(node, name)
        if isinstance(v, (ir.Expr, ir.Stmt, ir.Case)):
            nv = map_top_down(v, fn)
        elif isinstance(v, tuple) and any(isinstance(y, (ir.Expr, ir.Stmt, ir.Case)) for y in v):
            nv = tuple(map_top_down(y, fn) for y in v)
        else:
            continue
        if isinstance(v, tuple) and all(a is b for a, b in zip(nv, v)):
            continue
        if nv is not v:
            changes[name] = nv
    return dataclasses.replace(node, **changes) if changes else node


def free_vars(s: ir.Stmt) -> dict[str, ir.Var]:
    f = FreeVars()
    f.run(s)
    return f.found


def substitute(s: ir.Stmt, env: dict[str, ir.Expr]) -> ir.Stmt:
    return Substitute().run(s, env)


def own_exprs(s) -> tuple:
    """The expressions of a statement itself (not of the statements nested in it)."""
    if isinstance(s, ir.Decl):
        return ((s.init,) if s.init is not None else ()) + tuple(s.ctor_args or ())
    if isinstance(s, ir.Assign):
        return (s.target, s.value)
    if isinstance(s, ir.ExprStmt):
        return (s.expr,)
    if isinstance(s, ir.Return):
        return (s.value,) if s.value is not None else ()
    if isinstance(s, (ir.If, ir.While)):
        return (s.cond,)
    if isinstance(s, ir.For):
        return (s.cond,) if s.cond is not None else ()
    if isinstance(s, ir.Switch):
        return (s.value,)
    if isinstance(s, ir.Launch):
        return s.config + s.args
    return ()
