"""Inlining of function calls in IR bodies (lifting inlines device functions with barriers;
emitters inline helpers that contain parallel loops). A function inlined may return only at
its end; its parameters and locals get a unique prefix."""
from __future__ import annotations

import dataclasses
from typing import Callable

from . import ir
from .diagnostics import XpilerError
from .irutil import transform, walk
from .types import I32


class CallInliner:
    """Inline every call of a function of `module` for which `wanted(function)` holds."""

    def __init__(self, module: ir.Module, wanted: Callable[[ir.Function], bool], in_condition: str,
                 target: str = "the canonical form"):
        self.module = module
        self.wanted = wanted
        self.in_condition = in_condition          # what a call in a loop/if condition is called
        self.where = target
        self.count = 0

    def cannot(self, span, what: str) -> XpilerError:
        return XpilerError(span, f"cannot translate {what} to {self.where}")

    def target(self, c: ir.Call) -> ir.Function | None:
        f = self.module.function(c.callee)
        if f is None or f.body is None or not self.wanted(f):
            return None
        return f

    def run(self, body: ir.Block) -> ir.Block:
        for _ in range(8):
            if not any(isinstance(n, ir.Call) and self.target(n) for n in walk(body)):
                return body
            body = transform(body, self.stmt)
        raise self.cannot(body.span, "functions nested more than 8 deep")

    def stmt(self, s):
        if not isinstance(s, ir.Stmt) or isinstance(s, (ir.Block, ir.If, ir.For, ir.While, ir.Switch)):
            if isinstance(s, (ir.If, ir.For, ir.While)) and s.cond is not None and \
                    any(isinstance(n, ir.Call) and self.target(n) for n in walk(s.cond)):
                raise self.cannot(s.span, self.in_condition)
            return s
        pre: list[ir.Stmt] = []

        def fix(e):
            if isinstance(e, ir.Call) and self.target(e):
                return self.expand(e, pre)
            return e
        new = transform(s, fix)
        return pre + [new] if pre else s

    def expand(self, c: ir.Call, pre: list) -> ir.Expr:
        f = self.target(c)
        self.count += 1
        prefix = f"__in{self.count}_"              # locals: prefix + name
        names = {p.name for p in f.params} | {n.name for n in walk(f.body) if isinstance(n, ir.Decl)}

        def rename(n):
            if isinstance(n, ir.Var) and n.name in names:
                return dataclasses.replace(n, name=prefix + n.name)
            if isinstance(n, ir.Decl) and n.name in names:
                return dataclasses.replace(n, name=prefix + n.name)
            return n
        stmts = list(transform(f.body, rename).stmts)
        result = None
        if stmts and isinstance(stmts[-1], ir.Return):
            result = stmts.pop().value
        if any(isinstance(n, ir.Return) for st in stmts for n in walk(st)):
            raise self.cannot(c.span, f"inlining '{f.name}': a 'return' before its end")
        for p, a in zip(f.params, c.args):
            pre.append(ir.Decl(prefix + p.name, p.type, a, span=c.span))
        pre.extend(stmts)
        if result is None:
            return ir.Const(0, I32, "0")
        ret = f"__in{self.count}ret"                # never `prefix + <identifier>`: no clash with a local
        pre.append(ir.Decl(ret, f.ret, result, span=c.span))
        return ir.Var(ret, f.ret, c.span)
