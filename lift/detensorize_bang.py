"""Detensorize BANG C: replace each `__bang_*` / `__memcpy` call by its loop semantics.

Before: statement calls of BANG intrinsics (`__bang_add(d, a, b, n);`, `__memcpy(...)`).
After:  `#pragma xpiler region <name>` followed by a block that binds the arguments the semantics
        use to `__<param>` (evaluated once, converted to the parameter type as a call would) and
        then runs the intrinsic's loops, its locals renamed `__<name>`.

The loops come from the `semantics` snippet of the intrinsic's entry in xpiler/catalog/bang.toml,
written in plain C against the parameter names of the entry's signature and parsed by xpiler's
own grammar. Entry keys used here:
  semantics  a snippet for every form, or a list aligned with [signature] + forms whose items
             are a snippet, "" (no semantics for that form) or the index of another item;
  defaults   C expressions for parameters a shorter form lacks (`fix_position = "0"`);
  types      allowed element types per generic (`T = ["half", "float"]`).
Generic element types (T, V, D, Tout, Tin, Tw) are bound from the arguments' static types,
pointers first, as the interpreter reads them (xpiler/interp/intrinsics/bang.py).
"""
from __future__ import annotations

import dataclasses
import functools
import re

from xpiler import ir
from xpiler.constfold import fold
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.intrinsics import Intrinsic, Param, _parse_signature, lookup, spelled_type
from xpiler.irutil import transform, walk
from xpiler.types import pointee
from xpiler.types import Array, Pointer, Scalar, Type, Void

GENERICS = ("T", "V", "D", "Tout", "Tin", "Tw")
IDENT = re.compile(r"[A-Za-z_]\w*")


def cannot(span, what: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to the canonical form")


def is_bang_intrinsic(name: str) -> bool:
    entry = lookup(name)
    return entry is not None and entry.family == "bang"


def detensorize(node):
    """`node` with every statement call of a BANG intrinsic replaced by its tagged loops."""
    def fix(n):
        if isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and is_bang_intrinsic(n.expr.callee):
            return region(n.expr, n.span or n.expr.span)
        return n
    out = transform(node, fix)
    for n in walk(out):
        if isinstance(n, ir.Call) and is_bang_intrinsic(n.callee):
            raise cannot(n.span, f"{n.callee} whose result is used (no loop semantics for a value)")
    return out


def region(call: ir.Call, span) -> list[ir.Stmt]:
    """The tagged statements that replace the statement `call;`."""
    entry = lookup(call.callee)
    index, params = select_form(entry, call)
    text = snippet(entry, index)
    if text is None:
        raise cannot(span, f"{call.callee} (form with {len(call.args)} arguments): no loop semantics "
                           f"in xpiler/catalog/bang.toml")
    bindings = bind_types(entry, params, call)
    fn = parsed(call.callee, index, tuple(sorted(bindings.items(), key=lambda kv: kv[0])))
    args = {p.name: a for p, a in zip(params, call.args)}
    binds = [ir.Decl("__" + p.name, p.type, coerce(args[p.name], p.type), span=span) for p in fn.params]
    body = rename(fn.body, {p.name for p in fn.params} | {d.name for d in walk(fn.body) if isinstance(d, ir.Decl)})
    body = transform(body, prune)
    return [ir.PragmaStmt(f"xpiler region {call.callee}", span), ir.Block(tuple(binds) + body.stmts, span)]


# ---- forms and types ---------------------------------------------------------------------------

def forms(entry: Intrinsic) -> list[tuple[Param, ...]]:
    """Parameter lists of [signature] + forms."""
    return [entry.params] + [_parse_signature(f)[1] for f in entry.data.get("forms", [])]


def _is_pointer_ctype(ctype: str) -> bool:
    return "*" in ctype


def _base(ctype: str) -> str:
    return ctype.replace("const ", "").replace("*", "").strip()


def select_form(entry: Intrinsic, call: ir.Call) -> tuple[int, tuple[Param, ...]]:
    """The first form whose arity and pointer positions match the call's arguments."""
    for i, params in enumerate(forms(entry)):
        if len(params) != len(call.args):
            continue
        if all(_is_pointer_ctype(p.ctype) == isinstance(a.type, (Pointer, Array))
               for p, a in zip(params, call.args)):
            return i, params
    raise cannot(call.span, f"{call.callee} with {len(call.args)} arguments (no such form in "
                            f"xpiler/catalog/bang.toml)")


def snippet(entry: Intrinsic, index: int) -> str | None:
    sem = entry.data.get("semantics")
    if sem is None or isinstance(sem, str):
        return sem
    item = sem[index] if index < len(sem) else ""
    if isinstance(item, int):
        item = sem[item]
    return item or None


def bind_types(entry: Intrinsic, params, call: ir.Call) -> dict[str, Scalar]:
    """Generic element types from the arguments: pointers first, then scalar values (V)."""
    out: dict[str, Scalar] = {}
    for pointers in (True, False):
        for p, a in zip(params, call.args):
            base = _base(p.ctype)
            if base not in GENERICS or _is_pointer_ctype(p.ctype) != pointers:
                continue
            t = pointee(a.type) if pointers else a.type
            if not isinstance(t, Scalar):
                what = "a typed pointer" if pointers else "a scalar"
                raise cannot(call.span, f"{call.callee}: argument '{p.name}' must be {what}, not "
                                        f"{a.type.c()}")
            if base not in out:
                out[base] = t
            elif pointers and out[base] != t:
                raise cannot(call.span, f"{call.callee} mixing element types {out[base].c()} and "
                                        f"{t.c()} for {base}")
    for name, allowed in entry.data.get("types", {}).items():
        if name in out and out[name] not in {spelled_type(a) for a in allowed}:
            raise cannot(call.span, f"{call.callee} on {out[name].c()} (loop semantics for "
                                    f"{', '.join(allowed)} only)")
    return out


def coerce(arg: ir.Expr, t: Type) -> ir.Expr:
    """`arg` as the parameter of type `t` receives it (an explicit cast where C converts)."""
    if isinstance(t, Pointer):
        at = arg.type
        if (isinstance(at, Pointer) and at.to == t.to) or (isinstance(at, Array) and at.of == t.to):
            return arg
        if isinstance(t.to, Void) and (isinstance(at, Array) or (isinstance(at, Pointer) and
                                                                 (t.const or not at.const))):
            return arg                          # any object pointer converts to void*
        return ir.Cast(arg, t, "c", arg.span)
    return arg if arg.type == t else ir.Cast(arg, t, "c", arg.span)


# ---- snippets ----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def parsed(name: str, index: int, bindings: tuple) -> ir.Function:
    """The semantics of form `index` of `name` as a parsed C function whose parameters are the
    ones the snippet uses (defaults become declarations at the top of its body)."""
    entry = lookup(name)
    params = forms(entry)[index]
    text = snippet(entry, index)
    have = {p.name: p.ctype for p in params}
    defaults = entry.data.get("defaults", {})
    used = set(IDENT.findall(text))
    chosen: set[str] = set()
    while True:                                  # a default may use parameters or other defaults
        more = [k for k in defaults if k in used and k not in have and k not in chosen]
        if not more:
            break
        for k in more:
            chosen.add(k)
            used |= set(IDENT.findall(defaults[k]))
    needed = [(k, v) for k, v in defaults.items() if k in chosen]    # in the catalog's order
    ctypes = {p.name: p.ctype for form in forms(entry) for p in form}
    typedefs = "".join(f"typedef {t.c()} {g};\n" for g, t in bindings)
    plist = ", ".join(f"{p.ctype} {p.name}" for p in params if p.name in used)
    decls = "".join(f"{ctypes.get(k, 'int')} {k} = {v};\n" for k, v in needed)
    source = f"{typedefs}void __semantics({plist}) {{\n{decls}{text}\n}}\n"
    module = parse(source, f"<semantics of {name}>", "vnni")
    return module.functions[-1]


def rename(node, names: set[str]):
    """Prefix the snippet's own names with `__` (they then cannot capture the caller's)."""
    def fix(n):
        if isinstance(n, (ir.Var, ir.Decl)) and n.name in names:
            return dataclasses.replace(n, name="__" + n.name)
        return n
    return transform(node, fix)


def prune(n):
    """Drop the dead branch of an `if` on a constant (`sizeof(T) == 4`)."""
    if isinstance(n, ir.If):
        c = fold(n.cond)
        if c is not None:
            chosen = n.then if c else n.other
            return chosen if chosen is not None else ir.Block(())
    return n
