"""Lower the C++ of hand-written kernels to the C of the canonical form (docs/canonical.md).

Before: a parsed module that may use references (`T& x` parameters and locals), struct locals,
        `std::vector<T>` scratch buffers and `std::` math functions.
After:  - a reference is a pointer: `T& x` -> `T* x`, each use `*x`, each argument `&a`
          (a const reference to a temporary takes the address of a copy made just before);
        - in C/C++ sources (vnni), a struct local (not static) is an array of one struct, `S s;`
          -> `S s[1];`, used as `s[0]`: an object in memory that the dependence analysis
          (xpiler/dependence.py, run on this C) follows like any local array; it does not follow
          register variables written in parts. CUDA, HIP and BANG sources state their
          parallelism and keep struct locals as they are (their lifters move per-thread values);
        - `std::vector<T> v(n[, x])` is `size_t __v_size = n; T* v = (T*)malloc(n * sizeof(T));`
          zero-filled (value-initialised, as std::vector does) or filled with x, freed where its
          scope ends (at the end of the block, before a `return`, and before a `break` or
          `continue` that leaves it); `.data()` is `v`, `.size()` `__v_size`, `.empty()`
          `__v_size == 0`; `.resize`, `.assign` and `.clear` reallocate, copy and fill;
        - `std::sin(x)` and friends are the C function for the argument's type (`sinf` for a
          float, `fmaxf` for std::max on floats), the only spelling every target has (`std_math`).
Struct types stay: every target prints their definitions (emit/), with the same C layout.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.intrinsics import lookup
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import (BOOL, I64, U64, Array, DType, Pointer, Reference, Scalar, StdVector, Struct,
                          Type, Void)

VOID_PTR = Pointer(Void())


def cannot(span, what: str, why: str = "") -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to the canonical form" + (f": {why}" if why else ""))


def lower_cxx(module: ir.Module) -> ir.Module:
    """`module` in C: references, struct locals and std::vectors lowered (module docstring)."""
    if not any(_has_cxx(f) for f in module.functions):
        return module
    refs = {f.name: tuple(isinstance(p.type, Reference) for p in f.params) for f in module.functions}
    functions = []
    for f in module.functions:
        if f.body is None:
            functions.append(_signature(f))
            continue
        body = StructLocals(f).run(f.body) if module.platform is ir.Platform.VNNI else f.body
        body = References(f, refs).run(body)
        body = Vectors(f).run(body)
        functions.append(dataclasses.replace(_signature(f), body=body))
    return dataclasses.replace(module, functions=tuple(functions))


def _has_cxx(f: ir.Function) -> bool:
    if any(isinstance(p.type, (Reference, Struct)) for p in f.params):
        return True
    return f.body is not None and any(
        isinstance(n, (ir.Decl, ir.MethodCall)) and isinstance(getattr(n, "type", None), (Reference, StdVector, Struct))
        or isinstance(n, ir.MethodCall) for n in walk(f.body))


def _signature(f: ir.Function) -> ir.Function:
    params = tuple(dataclasses.replace(p, type=_pointer(p.type.to, p.type.const)) if isinstance(p.type, Reference)
                   else p for p in f.params)
    return dataclasses.replace(f, params=params)


def _pointer(t: Type, const_: bool = False) -> Pointer:
    return Pointer(t, const=const_)


def _declared(body, name: str) -> list[ir.Decl]:
    return [n for n in walk(body) if isinstance(n, ir.Decl) and n.name == name]


# ---- struct locals ------------------------------------------------------------------------------

class StructLocals:
    """`S s;` -> `S s[1];`, and every use of `s` -> `s[0]` (module docstring)."""

    def __init__(self, f: ir.Function):
        self.f = f

    def run(self, body: ir.Block) -> ir.Block:
        names = {d.name for d in walk(body) if isinstance(d, ir.Decl) and isinstance(d.type, Struct)
                 and "static" not in d.storage}
        if not names:
            return body
        for name in names:
            others = [d for d in _declared(body, name) if not isinstance(d.type, Struct)]
            if others or any(p.name == name for p in self.f.params):
                raise cannot(others[0].span if others else self.f.span, f"the struct variable '{name}'",
                             "another variable of the function has its name")

        def fix(n):
            if isinstance(n, ir.Var) and n.name in names and isinstance(n.type, Struct):
                return ir.Index(ir.Var(n.name, Array(n.type, 1), n.span), const(0), n.type, n.span)
            if isinstance(n, ir.Decl) and n.name in names and isinstance(n.type, Struct):
                init = None if n.init is None else ir.InitList((n.init,), Array(n.type, 1), n.init.span)
                return dataclasses.replace(n, type=Array(n.type, 1, n.space), init=init)
            return n
        return transform(body, fix)


# ---- references ---------------------------------------------------------------------------------

class References:
    """References as pointers (module docstring)."""

    def __init__(self, f: ir.Function, refs: dict[str, tuple[bool, ...]]):
        self.f = f
        self.refs = refs                      # function -> which parameters are references
        self.count = 0

    def run(self, body: ir.Block) -> ir.Block:
        names = {p.name: p.type.to for p in self.f.params if isinstance(p.type, Reference)}
        for d in walk(body):
            if isinstance(d, ir.Decl) and isinstance(d.type, Reference):
                names[d.name] = d.type.to
        for name in names:
            decls = _declared(body, name)
            if len(decls) > 1 or (decls and any(p.name == name for p in self.f.params)) or \
                    any(not isinstance(d.type, Reference) for d in decls):
                raise cannot(decls[0].span, f"the reference '{name}'", "another variable of the function has its name")
        if not names and not any(isinstance(n, ir.Call) and any(self.refs.get(n.callee, ())) for n in walk(body)):
            return body

        def uses(n):
            if isinstance(n, ir.Var) and n.name in names and n.type == names[n.name]:
                p = ir.Var(n.name, _pointer(n.type), n.span)
                return ir.Deref(p, n.type, n.span)
            return n
        body = transform(body, uses)
        body = transform(body, self.stmt)
        return body

    def stmt(self, s):
        if isinstance(s, ir.Decl) and isinstance(s.type, Reference):
            return dataclasses.replace(s, type=_pointer(s.type.to, s.type.const), init=self.address(s.init, s.span, None))
        if not isinstance(s, ir.Stmt) or isinstance(s, (ir.Block, ir.If, ir.For, ir.While, ir.Switch)):
            if isinstance(s, (ir.If, ir.For, ir.While)) and s.cond is not None and self.calls(s.cond):
                raise cannot(s.span, "a call passing an argument by reference in a condition or loop header")
            return s
        pre: list[ir.Stmt] = []

        def fix(e):
            if isinstance(e, ir.Call) and any(self.refs.get(e.callee, ())):
                args = tuple(self.address(a, e.span, pre) if by_ref else a
                             for a, by_ref in zip(e.args, self.refs[e.callee]))
                return dataclasses.replace(e, args=args)
            return e
        new = transform(s, fix)
        return pre + [new] if pre else new

    def calls(self, e) -> bool:
        return any(isinstance(n, ir.Call) and any(self.refs.get(n.callee, ())) for n in walk(e))

    def address(self, e: ir.Expr, span, pre: list | None) -> ir.Expr:
        """`&e` for an lvalue; for another value, the address of a copy declared in `pre`."""
        if isinstance(e, ir.Deref):
            return e.operand
        if isinstance(e, (ir.Var, ir.Index, ir.Member)):
            return ir.AddressOf(e, _pointer(e.type), e.span)
        if pre is None:
            raise cannot(span, "a reference bound to a temporary here")
        self.count += 1
        name = f"__ref{self.count}"
        pre.append(ir.Decl(name, e.type, e, storage=frozenset({"const"}), span=span))
        return ir.AddressOf(ir.Var(name, e.type, span), _pointer(e.type), span)


# ---- std::vector --------------------------------------------------------------------------------

class Vectors:
    """std::vector scratch buffers as malloc'd arrays freed where their scope ends."""

    def __init__(self, f: ir.Function):
        self.f = f
        self.live: list[tuple[str, Type, int, int]] = []    # (name, element, break depth, continue depth)
        self.breaks = 0
        self.continues = 0
        self.count = 0
        self.elems: dict[str, Type] = {}
        self.spans: dict = {}                                # where each vector is declared

    def run(self, body: ir.Block) -> ir.Block:
        for d in walk(body):
            if isinstance(d, ir.Decl) and isinstance(d.type, StdVector):
                if len(_declared(body, d.name)) > 1:
                    raise cannot(d.span, f"the std::vector '{d.name}'", "another variable of the function has its name")
                self.elems[d.name] = d.type.of
                self.spans[d.name] = d.span
        if not self.elems:
            return body
        body = self.block(body)
        return transform(body, self.expr)

    # names
    def size(self, name: str) -> ir.Var:
        return ir.Var(f"__{name}_size", U64, self.spans.get(name))

    def var(self, name: str) -> ir.Var:
        return ir.Var(name, Pointer(self.elems[name]), self.spans.get(name))

    def nbytes(self, count: ir.Expr, elem: Type) -> ir.Expr:
        return binary("*", count, ir.SizeOf(elem, U64), U64)

    # statements
    def block(self, b: ir.Block) -> ir.Block:
        mark = len(self.live)
        out: list[ir.Stmt] = []
        for s in b.stmts:
            out.extend(self.stmt(s))
        mine = self.live[mark:]
        del self.live[mark:]
        if mine and not (out and isinstance(out[-1], (ir.Return, ir.Break, ir.Continue))):
            out += self.frees(mine)
        return ir.Block(tuple(out), b.span)

    def sub(self, s: ir.Stmt | None) -> ir.Stmt | None:
        if s is None:
            return None
        return self.block(s if isinstance(s, ir.Block) else ir.Block((s,), s.span))

    def frees(self, vectors) -> list[ir.Stmt]:
        return [ir.ExprStmt(ir.Call("free", (self.var(name),), Void())) for name, *_ in reversed(vectors)]

    def stmt(self, s: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(s, ir.Decl) and isinstance(s.type, StdVector):
            self.live.append((s.name, s.type.of, self.breaks, self.continues))
            return self.declare(s)
        if isinstance(s, ir.Block):
            return [self.block(s)]
        if isinstance(s, ir.If):
            return [dataclasses.replace(s, then=self.sub(s.then), other=self.sub(s.other))]
        if isinstance(s, (ir.For, ir.While)):
            if isinstance(s, ir.For) and any(isinstance(d, ir.Decl) and isinstance(d.type, StdVector) for d in s.init):
                raise cannot(s.span, "a std::vector declared in a loop header")
            self.breaks += 1
            self.continues += 1
            try:
                return [dataclasses.replace(s, body=self.sub(s.body))]
            finally:
                self.breaks -= 1
                self.continues -= 1
        if isinstance(s, ir.Switch):
            self.breaks += 1
            try:
                cases = []
                for c in s.cases:
                    if any(isinstance(x, ir.Decl) and isinstance(x.type, StdVector) for x in c.body):
                        raise cannot(s.span, "a std::vector declared in a switch")
                    cases.append(ir.Case(c.values, tuple(x for st in c.body for x in self.stmt(st))))
                return [dataclasses.replace(s, cases=tuple(cases))]
            finally:
                self.breaks -= 1
        if isinstance(s, ir.Return):
            if not self.live:
                return [s]
            if s.value is not None and any(isinstance(n, ir.Var) and n.name in self.elems for n in walk(s.value)):
                self.count += 1
                keep = ir.Decl(f"__ret{self.count}", self.f.ret, s.value, span=s.span)
                return [keep] + self.frees(self.live) + [ir.Return(ir.Var(keep.name, self.f.ret), s.span)]
            return self.frees(self.live) + [s]
        if isinstance(s, ir.Break):
            return self.frees([v for v in self.live if v[2] == self.breaks]) + [s]
        if isinstance(s, ir.Continue):
            return self.frees([v for v in self.live if v[3] == self.continues]) + [s]
        if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.MethodCall) and s.expr.method in ("resize", "assign", "clear"):
            return self.method(s.expr)
        for n in walk(s):
            if isinstance(n, ir.MethodCall) and n.method in ("resize", "assign", "clear"):
                raise cannot(n.span, f"std::vector::{n.method} inside an expression")
        return [s]

    def declare(self, d: ir.Decl) -> list[ir.Stmt]:
        elem = d.type.of
        args = d.ctor_args or ()
        count = ir.Cast(args[0], U64) if args else ir.Const(0, U64, "0")
        size = ir.Decl(self.size(d.name).name, U64, count, span=d.span)
        out: list[ir.Stmt] = [size]
        # the count itself, not __v_size: a buffer of a kernel body must have a size known at launch
        out += self.allocate(d.name, elem, count, d.span, decl=True)
        out += self.fill(d.name, elem, ir.Const(0, U64, "0"), self.size(d.name), args[1] if len(args) > 1 else None)
        return out

    def allocate(self, name: str, elem: Type, count: ir.Expr, span, decl: bool) -> list[ir.Stmt]:
        call = ir.Cast(ir.Call("malloc", (self.nbytes(count, elem),), VOID_PTR), Pointer(elem), "c", span)
        if decl:
            return [ir.Decl(name, Pointer(elem), call, span=span)]
        return [ir.Assign(self.var(name), None, call, span)]

    def fill(self, name: str, elem: Type, first: ir.Expr, end: ir.Expr, value: ir.Expr | None) -> list[ir.Stmt]:
        """Elements [first, end) of `name` zeroed (value is None: std::vector value-initialises)
        or set to `value`; a loop rather than memset, which kernels of some targets cannot call."""
        v = self.var(name)
        if value is None:
            value = ir.Cast(const(0), elem) if isinstance(elem, (Scalar, Pointer)) else ir.InitList((), elem)
        self.count += 1
        i = ir.Var(f"__i{self.count}", I64)
        kept = ir.Decl(f"__fill{self.count}", elem, value)
        loop = ir.For((ir.Decl(i.name, I64, ir.Cast(first, I64)),), binary("<", i, ir.Cast(end, I64)),
                      (ir.Assign(i, "+", const(1, I64)),),
                      ir.Block((ir.Assign(ir.Index(v, i, elem), None, ir.Var(kept.name, elem)),)))
        return [kept, loop]

    def method(self, e: ir.MethodCall) -> list[ir.Stmt]:
        if not isinstance(e.obj, ir.Var):
            raise cannot(e.span, f"std::vector::{e.method} on this expression")
        name, elem = e.obj.name, self.elems[e.obj.name]
        size = self.size(name)
        if e.method == "clear":
            return [ir.Assign(size, None, ir.Const(0, U64, "0"), e.span)]
        self.count += 1
        n = ir.Var(f"__n{self.count}", U64)
        out: list[ir.Stmt] = [ir.Decl(n.name, U64, ir.Cast(e.args[0], U64), span=e.span)]
        value = e.args[1] if len(e.args) > 1 else None
        if e.method == "assign":
            out += [ir.ExprStmt(ir.Call("free", (self.var(name),), Void()))]
            out += self.allocate(name, elem, n, e.span, decl=False)
            out += [ir.Assign(size, None, n, e.span)]
            out += self.fill(name, elem, ir.Const(0, U64, "0"), size, value)
            return [ir.Block(tuple(out), e.span)]
        t = ir.Var(f"__grown{self.count}", Pointer(elem))
        kept = ir.Ternary(binary("<", n, size), n, size, U64)
        out += [ir.Decl(t.name, t.type, ir.Cast(ir.Call("malloc", (self.nbytes(n, elem),), VOID_PTR), t.type)),
                ir.ExprStmt(ir.Call("memcpy", (t, self.var(name), self.nbytes(kept, elem)), VOID_PTR)),
                ir.ExprStmt(ir.Call("free", (self.var(name),), Void())),
                ir.Assign(self.var(name), None, t),
                ir.Decl(f"__old{self.count}", U64, size),
                ir.Assign(size, None, n)]
        old = ir.Var(f"__old{self.count}", U64)
        grow = self.fill(name, elem, old, n, value)
        out.append(ir.If(binary("<", old, n), ir.Block(tuple(grow))))
        return [ir.Block(tuple(out), e.span)]

    # expressions
    def expr(self, n):
        if isinstance(n, ir.Var) and n.name in self.elems and isinstance(n.type, StdVector):
            return ir.Var(n.name, Pointer(n.type.of), n.span)
        if isinstance(n, ir.MethodCall) and isinstance(n.obj, ir.Var) and n.obj.name in self.elems:
            if n.method == "data":
                return n.obj if isinstance(n.obj.type, Pointer) else self.var(n.obj.name)
            if n.method == "size":
                return self.size(n.obj.name)
            if n.method == "empty":
                return binary("==", self.size(n.obj.name), ir.Const(0, U64, "0"), BOOL)
        if isinstance(n, ir.MethodCall):
            raise cannot(n.span, f"std::vector::{n.method} here")
        return n


# ---- std:: math -----------------------------------------------------------------------------------

def std_math(e):
    """`std::` math (C++ sources) as the C function for the argument type: `std::exp` on a float
    is `expf`, `std::max` on floats `fmaxf`, `std::abs` on an int `abs`. Device compilers (nvcc,
    hipcc, cncc) have no `std::` in device code, and C has no overloads: this is the spelling
    every target has. Integer max/min/abs are the catalog's `max`/`min`/`abs` (emit/plain_math.py
    spells those for the targets that lack them)."""
    if not (isinstance(e, ir.Call) and e.callee.startswith("std::")):
        return e
    name, t = e.callee[5:], e.type
    entry = lookup(name)
    if entry is None or entry.family != "math":
        return e
    if isinstance(t, Scalar) and t.dtype.is_float:
        name = {"max": "fmax", "min": "fmin", "abs": "fabs"}.get(name, name)
        if t.dtype is DType.F32:
            name += "f"
    if lookup(name) is None:
        return e
    return dataclasses.replace(e, callee=name)
