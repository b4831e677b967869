"""Generic traversal and rewriting of Kernel IR trees (nodes are frozen dataclasses)."""
from __future__ import annotations

import dataclasses
from typing import Callable, Iterator

from . import ir
from .types import Type

_NODE_TYPES = (ir.Expr, ir.Stmt, ir.Case, ir.Function, ir.Param)


_FIELDS: dict[type, tuple[str, ...]] = {}
# annotations of fields that never hold a node (a name, an operator, a type, flags): not visited
_LEAF_ANNOTATIONS = frozenset({"str", "str | None", "int", "bool", "int | float | bool", "Type", "Type | None",
                               "Space", "FuncKind", "frozenset[str]", "tuple[str, ...]"})


def _field_names(node) -> tuple[str, ...]:
    """The fields of `node`'s class that may hold nodes (not its span, names, types or flags;
    cached: dataclasses.fields is slow)."""
    cls = type(node)
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in dataclasses.fields(node)
                                     if f.name != "span" and f.type not in _LEAF_ANNOTATIONS)
    return names


node_fields = _field_names


_ALL_FIELDS: dict[type, tuple[str, ...]] = {}


def field_names(node) -> tuple[str, ...]:
    """All the fields of `node`'s class but its span, in order (cached)."""
    cls = type(node)
    names = _ALL_FIELDS.get(cls)
    if names is None:
        names = _ALL_FIELDS[cls] = tuple(f.name for f in dataclasses.fields(node) if f.name != "span")
    return names


def _children_list(node) -> list:
    out = []
    for name in _FIELDS.get(type(node)) or _field_names(node):
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
    pop, fields, node_types = stack.pop, _FIELDS, _NODE_TYPES
    while stack:
        n = pop()
        yield n
        names = fields.get(type(n))
        if names is None:
            names = _field_names(n)
        if not names:
            continue
        kids = []
        for name in names:                      # _children_list, inlined: walks are hot
            value = getattr(n, name)
            if isinstance(value, node_types):
                kids.append(value)
            elif isinstance(value, tuple):
                for v in value:
                    if isinstance(v, node_types):
                        kids.append(v)
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


def child_statements(s: ir.Stmt) -> list[ir.Stmt]:
    """The statements directly inside `s`: a block's items, an if's branches, a loop's body, the
    bodies of a switch's cases."""
    if isinstance(s, ir.Block):
        return list(s.stmts)
    if isinstance(s, ir.If):
        return [s.then] + ([s.other] if s.other is not None else [])
    if isinstance(s, (ir.For, ir.While)):
        return [s.body]
    if isinstance(s, ir.Switch):
        return [x for c in s.cases for x in c.body]
    return []


def map_child_statements(s: ir.Stmt, visit: Callable[[ir.Stmt], ir.Stmt]) -> ir.Stmt:
    """`s` rebuilt with `visit` applied to each statement directly inside it (see
    child_statements); other statements are returned as they are."""
    if isinstance(s, ir.Block):
        return dataclasses.replace(s, stmts=tuple(visit(x) for x in s.stmts))
    if isinstance(s, ir.If):
        return dataclasses.replace(s, then=visit(s.then), other=None if s.other is None else visit(s.other))
    if isinstance(s, (ir.For, ir.While)):
        return dataclasses.replace(s, body=visit(s.body))
    if isinstance(s, ir.Switch):
        return dataclasses.replace(s, cases=tuple(dataclasses.replace(c, body=tuple(visit(x) for x in c.body))
                                                  for c in s.cases))
    return s


def uses(node, name: str) -> bool:
    return node is not None and any(isinstance(n, ir.Var) and n.name == name for n in walk(node))


def var_names(node) -> set[str]:
    """The names of the variables under `node` (empty for None): `uses(node, v)` for all v at once."""
    return {n.name for n in walk(node) if isinstance(n, ir.Var)} if node is not None else set()


def strip_casts(e: ir.Expr) -> ir.Expr:
    """`e` without the conversions around it (`(float*)(void*)p` -> `p`)."""
    while isinstance(e, ir.Cast):
        e = e.operand
    return e


def is_null(e: ir.Expr | None) -> bool:
    """`0`, `NULL`, `(T*)0`."""
    return e is not None and isinstance(strip_casts(e), ir.Const) and strip_casts(e).value == 0


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


def array_initialization(target: ir.Expr, init: ir.InitList, refuse: Callable[[str | None], Exception]
                         ) -> list[ir.Stmt]:
    """`T a[n][m] = {...};` as statements on `target` (the array): every element zero (C's rule
    for the elements a list leaves out; skipped when the list names them all), then the listed
    ones, nested (`{{1, 2}, {3}}`) or flat in row-major order (`{1, 2, 3}`, brace elision).
    `refuse(what)` makes the error for an initializer this cannot express (None: the element
    type or an unknown extent)."""
    import math
    from .types import I32, Array, Pointer, Scalar
    t = target.type
    dims = []
    while isinstance(t, Array):
        dims.append(t.size)
        t = t.of
    if not isinstance(init, ir.InitList) or not isinstance(t, (Scalar, Pointer)) or any(not d for d in dims):
        raise refuse(None)
    counters = [f"__z{k}_{target.name if isinstance(target, ir.Var) else 'a'}" for k in range(len(dims))]

    def element(indices) -> ir.Expr:
        e, at = target, target.type
        for i in indices:
            at = at.of
            e = ir.Index(e, i if isinstance(i, ir.Expr) else const(i), at)
        return e
    listed: list[ir.Stmt] = []
    flat = [x for x in init.items if not isinstance(x, ir.InitList)]
    total = math.prod(dims)
    if len(flat) == len(init.items) and len(dims) > 1:        # brace elision: row-major
        strides = [math.prod(dims[k + 1:]) for k in range(len(dims))]
        if len(flat) > total:
            raise refuse("more items than elements")
        for n, x in enumerate(flat):
            listed.append(ir.Assign(element([n // st % d for st, d in zip(strides, dims)]), None, x))
    else:
        def nested(items, prefix):
            if len(items) > dims[len(prefix)]:
                raise refuse("more items than elements")
            for k, x in enumerate(items):
                if isinstance(x, ir.InitList):
                    if len(prefix) + 1 >= len(dims):
                        raise refuse("too many braces")
                    nested(x.items, prefix + [k])
                elif len(prefix) + 1 == len(dims):
                    listed.append(ir.Assign(element(prefix + [k]), None, x))
                else:
                    raise refuse("mixed brace elision")
        nested(init.items, [])
    if len(listed) == total:
        return listed
    zero: ir.Stmt = ir.Assign(element([ir.Var(c, I32) for c in counters]), None, ir.Cast(const(0), t, "c"))
    for c, d in reversed(list(zip(counters, dims))):
        v = ir.Var(c, I32)
        zero = ir.For((ir.Decl(c, I32, const(0)),), binary("<", v, const(d)), (ir.Assign(v, "+", const(1)),),
                      ir.Block((zero,)))
    return [zero] + listed
