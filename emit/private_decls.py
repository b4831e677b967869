"""Declarations used by one parallel loop only move into its body (one copy per iteration).

Before: a block body declares a variable without initializer, and every later use of it is
        inside the body of one parallel loop of that block:
          float2 t;
          #pragma omp parallel for
          for (int i = 0; i < n; i++) { t.x = a[i]; ... b[i] = t.x; }
After:  the declaration is the first statement of the loop's body:
          #pragma omp parallel for
          for (int i = 0; i < n; i++) { float2 t; t.x = a[i]; ... }

Why it is the same program: the iterations of a parallel loop are independent (docs/canonical.md
§3), so no iteration reads a value another one wrote in `t`; a value it reads is its own or
indeterminate (never set: no initializer), so one copy per iteration changes nothing. Lifting a
CUDA kernel leaves such declarations between thread loops (a TVM temporary `float2 __1;` declared
in one barrier-free region and used in the next). Targets that keep the variable in memory (BANG:
vectors become arrays) would otherwise share one copy between the iterations that run as lanes.

Not moved: declarations with an initializer or constructor arguments, arrays, statics, and
variables also used outside that one loop (or in its header).
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.irutil import map_child_statements, walk
from xpiler.types import Array

from .offload import is_parallel


def sink_private_declarations(module: ir.Module) -> ir.Module:
    return dataclasses.replace(module, functions=tuple(
        dataclasses.replace(f, body=_stmt(f.body)) if f.body is not None else f for f in module.functions))


def _names(node) -> set[str]:
    return {n.name for n in walk(node) if isinstance(n, (ir.Var, ir.Decl))}


def _movable(d: ir.Decl) -> bool:
    return (d.init is None and d.ctor_args is None and not isinstance(d.type, Array)
            and not d.storage & {"static", "extern"})


def _block(b: ir.Block) -> ir.Block:
    stmts = [_stmt(s) for s in b.stmts]
    if not any(isinstance(s, ir.Decl) and _movable(s) for s in stmts):
        return dataclasses.replace(b, stmts=tuple(stmts))
    names = [_names(s) for s in stmts]         # once per statement of the block
    moved: dict[int, list[ir.Decl]] = {}       # index of the loop -> declarations it receives
    keep = []
    for i, s in enumerate(stmts):
        if isinstance(s, ir.Decl) and _movable(s):
            users = [j for j in range(i + 1, len(stmts)) if s.name in names[j]]
            if len(users) == 1:
                loop = stmts[users[0]]
                header = [*loop.init, loop.cond, *loop.step] if isinstance(loop, ir.For) else []
                if is_parallel(loop) and not any(s.name in _names(h) for h in header if h is not None) \
                        and not any(isinstance(n, ir.Decl) and n.name == s.name for n in walk(loop.body)):
                    moved.setdefault(users[0], []).append(s)
                    keep.append(None)
                    continue
        keep.append(s)
    out = []
    for i, s in enumerate(keep):
        if s is None:
            continue
        if i in moved:
            body = s.body if isinstance(s.body, ir.Block) else ir.Block((s.body,), s.span)
            s = dataclasses.replace(s, body=dataclasses.replace(body, stmts=tuple(moved[i]) + body.stmts))
        out.append(s)
    return dataclasses.replace(b, stmts=tuple(out))


def _stmt(s: ir.Stmt) -> ir.Stmt:
    return _block(s) if isinstance(s, ir.Block) else map_child_statements(s, _stmt)
