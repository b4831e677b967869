"""`memcpy`/`memset` in device code -> element loops, for every device target (cuda, hip, bang).

Before: a statement `memcpy(dst, src, nbytes);` or `memset(dst, v, nbytes);` in the body of a
        top-level parallel loop (a kernel) of the canonical form.
After:  where `dst` (and `src`) point to one element type T and `nbytes` is visibly a multiple
        of sizeof(T) (a product with a `sizeof` factor or a constant, sums of those, casts):
          { T* __cpy_dst = dst; const T* __cpy_src = src; long long __cpy_n = nbytes / sizeof(T);
            #pragma omp parallel for
            for (long long __cpy_k = 0; __cpy_k < __cpy_n; __cpy_k++) __cpy_dst[__cpy_k] = __cpy_src[__cpy_k]; }
        (memset: `= v` for one-byte elements, `= 0` for a zero fill). The loop is parallel (the
        block's threads copy; memcpy's regions do not overlap) at block level, serial inside a
        nested parallel loop (one iteration's own copy). Other calls: kept where the target has a
        device memcpy/memset (CUDA, HIP: `native`), else refused with the reason.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, child_statements, const, map_child_statements
from xpiler.types import DType, I64, Array, Pointer, Scalar, Vector, scalar, sizeof

from .offload import PARALLEL, is_parallel

U8 = scalar(DType.U8)


def lower_device_copies(module: ir.Module, target: str, native: bool) -> ir.Module:
    """`module` with the copies of its kernels' bodies lowered (see the module docstring)."""
    functions = []
    for f in module.functions:
        if f.body is not None and any(is_parallel(n) for n in _stmts(f.body)):
            f = dataclasses.replace(f, body=_Lowering(target, native).outside(f.body))
        functions.append(f)
    return dataclasses.replace(module, functions=tuple(functions))


def _stmts(s: ir.Stmt):
    yield s
    for sub in child_statements(s):
        yield from _stmts(sub)


class _Lowering:
    def __init__(self, target: str, native: bool):
        self.target = target
        self.native = native
        self.count = 0

    def outside(self, s: ir.Stmt) -> ir.Stmt:
        """Host code: find the kernels (top-level parallel loops)."""
        if is_parallel(s):
            return dataclasses.replace(s, body=map_child_statements(s.body, lambda x: self.inside(x, True)))
        return map_child_statements(s, self.outside)

    def inside(self, s: ir.Stmt, block_level: bool) -> ir.Stmt:
        if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee in ("memcpy", "memset"):
            return self.lower(s, s.expr, block_level)
        if is_parallel(s):
            return dataclasses.replace(s, body=map_child_statements(s.body, lambda x: self.inside(x, False)))
        return map_child_statements(s, lambda x: self.inside(x, block_level))

    # ---- one call -------------------------------------------------------------------------------
    def refuse(self, call: ir.Call, why: str) -> XpilerError:
        return XpilerError(call.span, f"cannot translate {call.callee} in a kernel to {self.target}: {why} "
                                      f"(it becomes an element loop only on typed pointers whose element "
                                      f"size visibly divides the byte count, such as n * sizeof(T))")

    def lower(self, s: ir.ExprStmt, call: ir.Call, block_level: bool) -> ir.Stmt:
        try:
            return self.element_loop(call, block_level)
        except XpilerError:
            if self.native:
                return s                        # the target has a device memcpy/memset
            raise

    def element_loop(self, call: ir.Call, block_level: bool) -> ir.Stmt:
        if len(call.args) != 3:
            raise self.refuse(call, "not three arguments")
        dst, value, nbytes = call.args
        t = _element(dst)
        if t is None:
            raise self.refuse(call, f"the destination is not a typed pointer ({_type_of(dst).c()})")
        if call.callee == "memcpy":
            ts = _element(value)
            if ts is None or ts != t:
                raise self.refuse(call, f"the source ({_type_of(value).c()}) and the destination "
                                        f"({_type_of(dst).c()}) point to different types")
        size = sizeof(t)
        count = _divided(nbytes, size) if size else None
        if count is None:
            raise self.refuse(call, f"the byte count is not visibly a multiple of sizeof({t.c()}) = {size}")
        if call.callee == "memset" and size != 1 and not (isinstance(value, ir.Const) and value.value == 0):
            raise self.refuse(call, "a fill of elements wider than a byte with a value other than 0")
        self.count += 1
        k = f"__cpy{self.count}"
        pt = Pointer(t)
        names = {"dst": ir.Var(f"{k}_dst", pt), "n": ir.Var(f"{k}_n", I64), "k": ir.Var(f"{k}_k", I64)}
        decls = [ir.Decl(names["dst"].name, pt, _pointer(dst, pt), span=call.span),
                 ir.Decl(names["n"].name, I64, count if count.type == I64 else ir.Cast(count, I64), span=call.span)]
        if call.callee == "memcpy":
            ps = Pointer(t, const=True)
            names["src"] = ir.Var(f"{k}_src", ps)
            decls.insert(1, ir.Decl(names["src"].name, ps, _pointer(value, ps), span=call.span))
            item = ir.Index(names["src"], names["k"], ps.to)
        else:
            item = ir.Cast(ir.Cast(value, U8), pt.to) if size == 1 else ir.Cast(const(0), pt.to)
        body = ir.Assign(ir.Index(names["dst"], names["k"], pt.to), None, item, call.span)
        loop = ir.For((ir.Decl(names["k"].name, I64, const(0, I64)),), binary("<", names["k"], names["n"]),
                      (ir.Assign(names["k"], "+", const(1, I64)),), ir.Block((body,)),
                      (PARALLEL,) if block_level else (), call.span)
        return ir.Block(tuple(decls) + (loop,), call.span)


def _type_of(e: ir.Expr):
    while isinstance(e, ir.Cast) and isinstance(e.type, Pointer) and isinstance(e.operand.type, (Pointer, Array)):
        if not _is_void_pointer(e.type):
            break
        e = e.operand
    return e.type


def _is_void_pointer(t) -> bool:
    return isinstance(t, Pointer) and not isinstance(t.to, (Scalar, Vector, Pointer, Array))


def _element(e: ir.Expr):
    """The element type a pointer argument points to (through conversions to void*): a scalar
    or vector type, or None."""
    t = _type_of(e)
    if isinstance(t, Array) and not isinstance(t.of, Array):
        t = t.of
    elif isinstance(t, Pointer):
        t = t.to
    else:
        return None
    return t if isinstance(t, (Scalar, Vector)) and sizeof(t) else None


def _pointer(e: ir.Expr, pt: Pointer) -> ir.Expr:
    while isinstance(e, ir.Cast) and _is_void_pointer(e.type):
        e = e.operand
    if isinstance(e.type, Pointer) and e.type.to == pt.to and (pt.const or not e.type.const):
        return e
    if isinstance(e.type, Array) and e.type.of == pt.to:
        return e
    return ir.Cast(e, pt)


def _divided(e: ir.Expr, size: int) -> ir.Expr | None:
    """`e / size` as an expression of e's type when `e` visibly is a multiple of `size`."""
    if not (isinstance(e.type, Scalar) and e.type.dtype.is_int):
        return None
    if size == 1:
        return e
    if isinstance(e, ir.Const) and isinstance(e.value, int):
        return const(e.value // size, e.type) if e.value % size == 0 else None
    if isinstance(e, ir.SizeOf):
        n = sizeof(e.of)
        return const(n // size, e.type) if n and n % size == 0 else None
    if isinstance(e, ir.Cast) and isinstance(e.operand.type, Scalar) and e.operand.type.dtype.is_int \
            and e.operand.type.dtype.size <= e.type.dtype.size:
        inner = _divided(e.operand, size)
        return None if inner is None else ir.Cast(inner, e.type)
    if isinstance(e, ir.Binary) and e.op == "*":
        for a, b in ((e.left, e.right), (e.right, e.left)):
            part = _divided(a, size)
            if part is not None:
                return _times(part, b, e.type)
        return None
    if isinstance(e, ir.Binary) and e.op in ("+", "-"):
        left, right = _divided(e.left, size), _divided(e.right, size)
        return None if left is None or right is None else ir.Binary(e.op, left, right, e.type)
    return None


def _times(a: ir.Expr, b: ir.Expr, t) -> ir.Expr:
    if isinstance(a, ir.Const) and a.value == 1:
        return b if b.type == t else ir.Cast(b, t)
    return ir.Binary("*", a, b, t)
