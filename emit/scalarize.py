"""Scalarize vector types for targets without them (BANG C has no float4, half2, ext vectors).

Before: variables of CUDA/HIP vector struct types (`float4 v`, members `.x .y .z .w`), GCC/clang
        extension vectors (`v[i]`, element-wise operators), arrays of them, pointers to them
        (`reinterpret_cast<const float4*>(a)`), `make_float4(...)`.
After:  a vector variable is an array of its lanes (`float v[4]`, `.y` is `[1]`), an array of
        vectors has one more dimension, a vector pointer is an element pointer whose indices
        and offsets are scaled by the lane count; vector assignments are one per lane. A
        function's vector parameter is one scalar parameter per lane (`float4 a` -> `float a_x,
        ..., float a_w`, copied into the local array `a` on entry; each call passes the lanes of
        its argument); a vector result is written through an extra element pointer `__ret`, so
        such a call is the whole right side of an assignment or declaration (`v = f(...)` ->
        `f(..., &v[0])`). Anything else with a vector value (a vector-valued call inside an
        expression, a comparison of vectors) is refused.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, field_names, walk
from xpiler.types import Array, I32, Pointer, Type, Vector, Void, scalar, sizeof

LANE = {"x": 0, "y": 1, "z": 2, "w": 3}


def _vec(t: Type) -> Vector | None:
    return t if isinstance(t, Vector) else None


def _vec_ptr(t: Type) -> Vector | None:
    return t.to if isinstance(t, Pointer) and isinstance(t.to, Vector) else None


def _vec_array(t: Type) -> Vector | None:
    while isinstance(t, Array):
        t = t.of
    return t if isinstance(t, Vector) and t is not None else None


def has_vectors(t: Type) -> bool:
    while isinstance(t, (Array, Pointer)):
        t = t.of if isinstance(t, Array) else t.to
    return isinstance(t, Vector)


class Scalarize:
    def __init__(self, target: str, functions: tuple[ir.Function, ...] = ()):
        self.target = target
        self.tmp = 0
        # the module's functions before scalarization: which call arguments and results are vectors
        self.functions = {f.name: f for f in functions if f.body is not None}
        self.ret: ir.Var | None = None         # the result pointer of the function being rewritten

    def cannot(self, node, what: str) -> XpilerError:
        return XpilerError(getattr(node, "span", None), f"cannot translate {what} to {self.target}")

    # ---- types --------------------------------------------------------------------------------
    def type(self, t: Type) -> Type:
        if isinstance(t, Vector):
            return Array(scalar(t.of), t.lanes)
        if isinstance(t, Array):
            return Array(self.type(t.of), t.size, t.space)
        if isinstance(t, Pointer) and isinstance(t.to, Vector):
            return Pointer(scalar(t.to.of), t.space, t.const, t.restrict)
        if isinstance(t, Pointer) and has_vectors(t.to):
            raise self.cannot(None, f"a pointer to {t.to.c()}")
        return t

    # ---- functions and statements -------------------------------------------------------------
    def function(self, f: ir.Function) -> ir.Function:
        if has_vectors(f.ret) and not isinstance(f.ret, Vector) and f.body is not None:
            raise self.cannot(f, f"the function '{f.name}' returning {f.ret.c()}")
        names = {p.name for p in f.params} | ({n.name for n in walk(f.body) if isinstance(n, (ir.Decl, ir.Var))}
                                              if f.body is not None else set())

        def fresh(name: str) -> str:
            while name in names:
                name += "_"
            names.add(name)
            return name
        params, prologue = [], []
        for p in f.params:
            if isinstance(p.type, Vector) and f.body is not None:
                v = p.type
                lanes = [ir.Var(fresh(f"{p.name}_{'xyzw'[k] if v.lanes <= 4 else k}"), scalar(v.of), p.span)
                         for k in range(v.lanes)]
                params += [ir.Param(x.name, x.type, p.span) for x in lanes]
                prologue.append(ir.Decl(p.name, v, ir.InitList(tuple(lanes), v), span=p.span))
                continue
            if isinstance(p.type, Vector):
                raise self.cannot(p, f"the {p.type.c()} parameter '{p.name}' of '{f.name}'")
            params.append(dataclasses.replace(p, type=self.type(p.type)))
        self.ret, ret = None, f.ret
        if isinstance(f.ret, Vector) and f.body is not None:
            self.ret = ir.Var(fresh("__ret"), Pointer(scalar(f.ret.of)), f.span)
            params.append(ir.Param(self.ret.name, self.ret.type, f.span))
            ret = Void()
        body = self.block(ir.Block(tuple(prologue) + f.body.stmts, f.body.span)) if f.body is not None else None
        self.ret = None
        return dataclasses.replace(f, params=tuple(params), ret=ret, body=body)

    def block(self, b: ir.Block) -> ir.Block:
        return ir.Block(tuple(x for s in b.stmts for x in self.stmt(s)), b.span)

    def one(self, s: ir.Stmt) -> ir.Stmt:
        out = self.stmt(s)
        return out[0] if len(out) == 1 else ir.Block(tuple(out))

    def stmt(self, s: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(s, ir.Decl):
            return self.decl(s)
        if isinstance(s, ir.Assign):
            return self.assign(s)
        if isinstance(s, ir.Block):
            return [self.block(s)]
        if isinstance(s, ir.If):
            return [ir.If(self.expr(s.cond), self.one(s.then), self.one(s.other) if s.other is not None else None,
                          s.span)]
        if isinstance(s, ir.For):
            init = tuple(x for i in s.init for x in self.stmt(i))
            step = tuple(x for i in s.step for x in self.stmt(i))
            return [ir.For(init, self.expr(s.cond) if s.cond is not None else None, step, self.one(s.body),
                           s.pragmas, s.span)]
        if isinstance(s, ir.While):
            return [ir.While(self.expr(s.cond), self.one(s.body), s.do_while, s.span)]
        if isinstance(s, ir.Switch):
            return [ir.Switch(self.expr(s.value), tuple(ir.Case(c.values, tuple(x for y in c.body for x in self.stmt(y)))
                                                        for c in s.cases), s.span)]
        if isinstance(s, ir.ExprStmt):
            return [ir.ExprStmt(self.expr(s.expr), s.span)]
        if isinstance(s, ir.Return) and self.ret is not None and s.value is not None:
            # a vector result: its lanes through the result pointer
            out = self.lanes_assign(ir.Deref(self.ret, s.value.type, s.span), None, s.value, s.span)
            return out + [ir.Return(None, s.span)]
        if isinstance(s, ir.Return):
            return [ir.Return(self.expr(s.value) if s.value is not None else None, s.span)]
        return [s]

    def decl(self, d: ir.Decl) -> list[ir.Stmt]:
        v = _vec(d.type)
        if v is None:
            if not has_vectors(d.type):
                return [dataclasses.replace(d, init=self.expr(d.init) if d.init is not None else None,
                                            ctor_args=tuple(self.expr(a) for a in d.ctor_args)
                                            if d.ctor_args is not None else None)]
            if isinstance(d.type, Array) and d.init is not None:
                raise self.cannot(d, f"an initialised array of {_vec_array(d.type).c()}")
            init = self.expr(d.init) if d.init is not None else None
            return [dataclasses.replace(d, type=self.type(d.type), init=init)]
        if d.ctor_args is not None:
            raise self.cannot(d, f"a constructor call for {v.c()}")
        var = ir.Var(d.name, d.type, d.span)
        out: list[ir.Stmt] = [dataclasses.replace(d, type=self.type(v), init=None,
                                                  storage=d.storage - {"const", "constexpr"})]
        if d.init is not None:
            out += self.lanes_assign(var, None, d.init, d.span)
        return out

    def assign(self, s: ir.Assign) -> list[ir.Stmt]:
        if isinstance(s.target.type, Vector):
            return self.lanes_assign(s.target, s.op, s.value, s.span)
        if _vec_ptr(s.target.type) is not None:
            v = _vec_ptr(s.target.type)
            value = self.expr(s.value)
            if s.op in ("+", "-"):
                value = binary("*", value, const(v.lanes))
            return [ir.Assign(self.expr(s.target), s.op, value, s.span)]
        return [ir.Assign(self.expr(s.target), s.op, self.expr(s.value), s.span)]

    def lanes_assign(self, target: ir.Expr, op, value: ir.Expr, span) -> list[ir.Stmt]:
        v = target.type
        callee = self.functions.get(value.callee) if isinstance(value, ir.Call) else None
        if callee is not None and isinstance(callee.ret, Vector) and op is None:
            # `v = f(...)`: f writes its result's lanes through the pointer it is given
            out = ir.AddressOf(self.lane(target, 0), Pointer(scalar(v.of)))
            return [ir.ExprStmt(ir.Call(value.callee, self.call_args(value) + (out,), Void(), (), value.span), span)]
        if isinstance(value, ir.InitList):
            items = list(value.items) + [const(0)] * (v.lanes - len(value.items))
            parts = [self.expr(x) for x in items[:v.lanes]]
            parts = [x if x.type == scalar(v.of) else ir.Cast(x, scalar(v.of)) for x in parts]
        else:
            parts = [self.lane(value, k) for k in range(v.lanes)]
        reads = {n.name for n in walk(value) if isinstance(n, ir.Var)}
        writes = {n.name for n in walk(target) if isinstance(n, ir.Var)}
        out: list[ir.Stmt] = []
        if reads & writes and v.lanes > 1:          # `v = make_float4(v.y, v.x, ...)`: read all lanes first
            self.tmp += 1
            tmp = f"__lanes{self.tmp}"
            out.append(ir.Decl(tmp, Array(scalar(v.of), v.lanes)))
            for k, p in enumerate(parts):
                out.append(ir.Assign(ir.Index(ir.Var(tmp, Array(scalar(v.of), v.lanes)), const(k), scalar(v.of)),
                                     None, p, span))
            parts = [ir.Index(ir.Var(tmp, Array(scalar(v.of), v.lanes)), const(k), scalar(v.of))
                     for k in range(v.lanes)]
        out += [ir.Assign(self.lane(target, k), op, p, span) for k, p in enumerate(parts)]
        return out

    # ---- expressions --------------------------------------------------------------------------
    def expr(self, e: ir.Expr) -> ir.Expr:
        """A non-vector expression with its vector parts scalarized."""
        if isinstance(e.type, Vector):
            raise self.cannot(e, f"a {e.type.c()} value used as a whole")
        if _vec_ptr(e.type) is not None:
            return self.pointer(e)
        if isinstance(e, ir.Member) and isinstance(e.base.type, Vector):
            if e.field not in LANE:
                raise self.cannot(e, f"the member '{e.field}' of {e.base.type.c()}")
            return self.lane(e.base, LANE[e.field])
        if isinstance(e, ir.Index) and isinstance(e.base.type, Vector):
            return self.lane(e.base, self.expr(e.index))
        if isinstance(e, ir.Call) and e.callee in self.functions:
            return dataclasses.replace(e, args=self.call_args(e))
        if isinstance(e, ir.SizeOf) and has_vectors(e.of):
            return ir.Const(sizeof(e.of), e.type, str(sizeof(e.of)))
        if isinstance(e, ir.Var) and has_vectors(e.type):
            return dataclasses.replace(e, type=self.type(e.type))
        changes = {}
        for name in field_names(e):
            value = getattr(e, name)
            if isinstance(value, ir.Expr):
                changes[name] = self.expr(value)
            elif isinstance(value, tuple) and value and isinstance(value[0], ir.Expr):
                changes[name] = tuple(self.expr(x) for x in value)
            elif isinstance(value, Type) and name in ("type", "of") and has_vectors(value):
                changes[name] = self.type(value)
        return dataclasses.replace(e, **changes) if changes else e

    def call_args(self, e: ir.Call) -> tuple[ir.Expr, ...]:
        """The arguments of a call of a module function: a vector argument is its lanes."""
        out: list[ir.Expr] = []
        for a in e.args:
            if isinstance(a.type, Vector):
                out += [self.lane(a, k) for k in range(a.type.lanes)]
            else:
                out.append(self.expr(a))
        return tuple(out)

    def lane(self, e: ir.Expr, k) -> ir.Expr:
        """Lane `k` (an int or an index expression) of the vector-valued expression `e`."""
        v: Vector = e.type
        elem = scalar(v.of)
        kx = const(k) if isinstance(k, int) else k
        if isinstance(e, ir.Var):
            return ir.Index(ir.Var(e.name, self.type(v), e.span), kx, elem, e.span)
        if isinstance(e, ir.Index) and _vec_ptr(e.base.type) is not None:
            index = binary("+", binary("*", self.expr(e.index), const(v.lanes)), kx)
            return ir.Index(self.pointer(e.base), index, elem, e.span)
        if isinstance(e, ir.Index) and isinstance(e.base.type, Array):
            return ir.Index(ir.Index(self.expr(e.base), self.expr(e.index), self.type(v), e.span), kx, elem, e.span)
        if isinstance(e, ir.Deref) and _vec_ptr(e.operand.type) is not None:
            return ir.Index(self.pointer(e.operand), kx, elem, e.span)
        if isinstance(e, ir.Deref) and e.operand is self.ret:
            return ir.Index(e.operand, kx, elem, e.span)
        if isinstance(e, ir.Call) and e.callee.startswith("make_") and isinstance(k, int):
            arg = self.expr(e.args[k])
            return arg if arg.type == elem else ir.Cast(arg, elem)
        if isinstance(e, ir.Ternary):
            return ir.Ternary(self.expr(e.cond), self.lane(e.then, k), self.lane(e.other, k), elem, e.span)
        if isinstance(e, ir.Binary) and e.op in "+-*/%&|^" and e.op not in ("&&", "||"):
            side = lambda x: self.lane(x, k) if isinstance(x.type, Vector) else self.expr(x)
            return ir.Binary(e.op, side(e.left), side(e.right), elem, e.span)
        if isinstance(e, ir.Unary) and e.op in "-+~":
            return ir.Unary(e.op, self.lane(e.operand, k), elem, e.span)
        if isinstance(e, ir.Cast) and isinstance(e.operand.type, Vector):
            return ir.Cast(self.lane(e.operand, k), elem, "c", e.span)
        raise self.cannot(e, f"this {v.c()} expression")

    def pointer(self, e: ir.Expr) -> ir.Expr:
        """The element pointer for the vector-pointer-valued expression `e`."""
        v = _vec_ptr(e.type)
        t = self.type(e.type)
        if isinstance(e, ir.Var):
            return ir.Var(e.name, t, e.span)
        if isinstance(e, ir.Cast):
            inner = e.operand
            if _vec_ptr(inner.type) is not None:
                return self.pointer(inner)
            inner = self.expr(inner)
            if isinstance(inner.type, Pointer) and dataclasses.replace(inner.type, restrict=False) == t:
                return inner                        # `(const float4*)a` of a `const float* a`
            return ir.Cast(inner, t, e.style, e.span)
        if isinstance(e, ir.Binary) and e.op in "+-" and _vec_ptr(e.left.type) is not None:
            return ir.Binary(e.op, self.pointer(e.left), binary("*", self.expr(e.right), const(v.lanes)), t, e.span)
        if isinstance(e, ir.Binary) and e.op == "+" and _vec_ptr(e.right.type) is not None:
            return ir.Binary("+", self.pointer(e.right), binary("*", self.expr(e.left), const(v.lanes)), t, e.span)
        if isinstance(e, ir.AddressOf) and isinstance(e.operand, ir.Index) \
                and _vec_ptr(e.operand.base.type) is not None:
            return binary("+", self.pointer(e.operand.base), binary("*", self.expr(e.operand.index),
                                                                    const(v.lanes)), t)
        if isinstance(e, ir.AddressOf) and isinstance(e.operand.type, Vector):
            return ir.AddressOf(self.lane(e.operand, 0), t, e.span)
        if isinstance(e, ir.Ternary):
            return ir.Ternary(self.expr(e.cond), self.pointer(e.then), self.pointer(e.other), t, e.span)
        if isinstance(e, ir.Index) and isinstance(e.base.type, Array):
            # an element of an array of vector pointers (`const float4* a4[256]`, a per-thread
            # pointer of a lifted block): an element pointer
            return ir.Index(self.expr(e.base), self.expr(e.index), t, e.span)
        raise self.cannot(e, f"this {v.c()}* expression")


def scalarize(module: ir.Module, target: str) -> ir.Module:
    """`module` with every vector type scalarized (see the module docstring)."""
    if not any(has_vectors(getattr(n, "type", I32)) or isinstance(n, ir.Call) and n.callee.startswith("make_")
               for f in module.functions if f.body is not None for n in walk(f)):
        return module
    pass_ = Scalarize(target, module.functions)
    return dataclasses.replace(module, functions=tuple(pass_.function(f) for f in module.functions))
