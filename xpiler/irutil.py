"""Generic traversal and rewriting of Kernel IR trees (nodes are frozen dataclasses)."""
from __future__ import annotations

import dataclasses
from typing import Callable, Iterator

from . import ir
from .types import Type

_NODE_TYPES = (ir.Expr, ir.Stmt, ir.Case, ir.Function, ir.Param)


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(node) -> tuple[str, ...]:
    """The fields of `node`'s class but its span (cached: dataclasses.fields is slow)."""
    cls = type(node)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(node) if f.name != "span")
    return names


def _children_list(node) -> list:
    out = []
    for name in _field_names(node):
        value = getattr(node, name)
        if isinstance(value, _NODE_TYPES):
            out.append(value)
        elif isinstance(value, tuple):
            for v in value:
                if isinstance(v, _NODE_TYPES):
                    out.append(v)
    return out


def children(node) -> Iterator:
    return iter(_children_list(node))


def walk(node) -> Iterator:
    """Every node under `node` (pre-order), `node` included."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        kids = _children_list(n)
        kids.reverse()
        stack.extend(kids)


def transform(node, fn: Callable):
    """Rebuild `node` bottom-up: children first, then `fn(new_node)` (return it to keep it)."""
    changes = {}
    for name in _field_names(node):
        value = getattr(node, name)
        if isinstance(value, _NODE_TYPES):
            new = transform(value, fn)
            if isinstance(new, list):               # one statement replaced by several
                new = ir.Block(tuple(new))
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and any(isinstance(v, _NODE_TYPES) for v in value):
            new_items = []
            changed = False
            for v in value:
                if isinstance(v, _NODE_TYPES):
                    nv = transform(v, fn)
                    if isinstance(nv, list):            # a statement replaced by several
                        new_items.extend(nv)
                        changed = True
                        continue
                    changed |= nv is not v
                    new_items.append(nv)
                else:
                    new_items.append(v)
            if changed:
                changes[name] = tuple(new_items)
    if changes:
        node = dataclasses.replace(node, **changes)
    return fn(node)


def uses(node, name: str) -> bool:
    return any(isinstance(n, ir.Var) and n.name == name for n in walk(node))


def builtins_used(node) -> set[str]:
    return {n.name for n in walk(node) if isinstance(n, ir.Builtin)}


def calls(node) -> list[ir.Call]:
    return [n for n in walk(node) if isinstance(n, ir.Call)]


def var(name: str, t: Type) -> ir.Var:
    return ir.Var(name, t)


def const(value: int, t: Type | None = None) -> ir.Const:
    from .types import I32
    return ir.Const(value, t or I32, str(value))


def binary(op: str, a: ir.Expr, b: ir.Expr, t: Type | None = None) -> ir.Binary:
    from .types import BOOL, Scalar, common, scalar
    if t is None:
        if op in ("<", ">", "<=", ">=", "==", "!=", "&&", "||"):
            t = BOOL
        elif isinstance(a.type, Scalar) and isinstance(b.type, Scalar):
            t = scalar(common(a.type.dtype, b.type.dtype))
        else:
            t = a.type
    return ir.Binary(op, a, b, t)
