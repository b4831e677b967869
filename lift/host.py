"""Lift host code (launchers) to plain C: device allocation becomes malloc, copies memcpy,
launches are replaced by the loop nests the platform lifter builds, runtime handles vanish.

Before: a host function using cudaMalloc/hipMalloc/cnrtMalloc, memcpy calls, dim3 / cnrtDim3_t,
        queues and kernel launches.
After:  the same function in plain C: dim3 values are split into `<name>_x/_y/_z` ints,
        every launch is replaced by `instantiate(launch, config)` statements.
"""
from __future__ import annotations

from typing import Callable

from xpiler import ir
from xpiler.constfold import fold
from xpiler.diagnostics import XpilerError
from xpiler.irutil import const, transform
from xpiler.types import DType, I32, U64, Opaque, Pointer, Scalar, Vector, VecKind, Void, scalar

MALLOC = {"cudaMalloc", "hipMalloc", "cnrtMalloc"}
MEMCPY = {"cudaMemcpy", "hipMemcpy", "cnrtMemcpy"}
MEMSET = {"cudaMemset", "hipMemset", "cnrtMemset"}
FREE = {"cudaFree", "hipFree", "cnrtFree"}
DROP = {"cudaDeviceSynchronize", "hipDeviceSynchronize", "cudaGetLastError", "hipGetLastError",
        "cnrtQueueSync", "cnrtSyncQueue", "cnrtQueueCreate", "cnrtCreateQueue", "cnrtQueueDestroy",
        "cnrtDestroyQueue", "cnrtSetDevice", "cudaSetDevice", "hipSetDevice", "cudaStreamCreate",
        "hipStreamCreate", "cudaStreamDestroy", "hipStreamDestroy", "cudaStreamSynchronize",
        "hipStreamSynchronize", "cudaFuncSetAttribute", "hipFuncSetAttribute"}
STATUS = {"cudaDeviceSynchronize", "hipDeviceSynchronize", "cudaGetLastError", "hipGetLastError",
          "cudaMalloc", "hipMalloc", "cnrtMalloc", "cudaMemcpy", "hipMemcpy", "cnrtMemcpy"}

VOID_PTR = Pointer(Void())


def is_dim3(t) -> bool:
    return isinstance(t, Vector) and t.kind is VecKind.STRUCT and t.name in ("dim3", "cnrtDim3_t", "uint3")


def _pointer_var(e: ir.Expr) -> ir.Var | None:
    while isinstance(e, (ir.Cast, ir.AddressOf)):
        e = e.operand
    return e if isinstance(e, ir.Var) else None


def lift_host(fn: ir.Function, instantiate: Callable[[ir.Launch, list], list]) -> ir.Function:
    """Rewrite a host function; `instantiate(launch, config)` gives the statements of a launch."""
    dims: dict[str, Vector] = {}
    constant_dims: dict[str, list] = {}

    def stmt(s: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(s, ir.Decl):
            if is_dim3(s.type):
                return dim3_decl(s)
            if isinstance(s.type, Opaque) or (isinstance(s.type, Scalar) and False):
                return []                           # queues, streams, function types
            return [ir.Decl(s.name, s.type, expr(s.init) if s.init is not None else None,
                            None if s.ctor_args is None else tuple(expr(a) for a in s.ctor_args),
                            s.storage, s.space, s.span)]
        if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call):
            return call_stmt(s.expr, s)
        if isinstance(s, ir.Launch):
            config = [ir.Call("dim3", tuple(const(v) for v in constant_dims[c.name]), c.type)
                      if isinstance(c, ir.Var) and c.name in constant_dims else expr(c) for c in s.config]
            args = tuple(expr(a) for a in s.args)
            return instantiate(ir.Launch(s.kernel, s.template_args, tuple(config), args, s.style, s.span),
                               config)
        if isinstance(s, ir.Assign):
            if isinstance(s.target, ir.Member) and isinstance(s.target.base, ir.Var):
                constant_dims.pop(s.target.base.name, None)       # a dim3 changed later
            return [ir.Assign(expr(s.target), s.op, expr(s.value), s.span)]
        if isinstance(s, ir.Block):
            return [ir.Block(tuple(x for y in s.stmts for x in stmt(y)), s.span)]
        if isinstance(s, ir.If):
            then = _block(stmt(s.then))
            other = _block(stmt(s.other)) if s.other is not None else None
            return [ir.If(expr(s.cond), then, other, s.span)]
        if isinstance(s, ir.For):
            init = tuple(x for y in s.init for x in stmt(y))
            step = tuple(x for y in s.step for x in stmt(y))
            return [ir.For(init, expr(s.cond) if s.cond is not None else None, step,
                           _block(stmt(s.body)), s.pragmas, s.span)]
        if isinstance(s, ir.While):
            return [ir.While(expr(s.cond), _block(stmt(s.body)), s.do_while, s.span)]
        if isinstance(s, ir.Return):
            return [ir.Return(expr(s.value) if s.value is not None else None, s.span)]
        return [s]

    def dim3_decl(s: ir.Decl) -> list[ir.Stmt]:
        dims[s.name] = s.type
        if s.ctor_args is not None:
            values = [expr(a) for a in s.ctor_args]
        elif isinstance(s.init, ir.InitList):
            values = [expr(a) for a in s.init.items]
        elif isinstance(s.init, ir.Call) and s.init.callee in ("dim3",):
            values = [expr(a) for a in s.init.args]
        elif s.init is None:
            values = []
        else:
            raise XpilerError(s.span, f"cannot translate the initialisation of {s.name}")
        values += [const(1)] * (3 - len(values))
        folded = [fold(v) for v in values]
        if all(isinstance(f, int) for f in folded) and "const" not in s.storage:
            constant_dims[s.name] = folded
        return [ir.Decl(f"{s.name}_{c}", I32, _int(v), None, frozenset(), s.space, s.span)
                for c, v in zip("xyz", values)]

    def call_stmt(c: ir.Call, s: ir.ExprStmt) -> list[ir.Stmt]:
        name = c.callee
        if name in MALLOC:
            v = _pointer_var(c.args[0])
            if v is None:
                raise XpilerError(c.span, f"cannot translate {name}: the first argument must be &pointer")
            return [ir.Assign(v, None, ir.Cast(ir.Call("malloc", (expr(c.args[1]),), VOID_PTR), v.type), s.span)]
        if name in MEMCPY:
            return [ir.ExprStmt(ir.Call("memcpy", tuple(expr(a) for a in c.args[:3]), VOID_PTR), s.span)]
        if name in MEMSET:
            return [ir.ExprStmt(ir.Call("memset", tuple(expr(a) for a in c.args[:3]), VOID_PTR), s.span)]
        if name in FREE:
            return [ir.ExprStmt(ir.Call("free", (expr(c.args[0]),), Void()), s.span)]
        if name in DROP:
            return []
        return [ir.ExprStmt(expr(c), s.span)]

    def expr(e: ir.Expr) -> ir.Expr:
        def fix(x):
            if isinstance(x, ir.Member) and isinstance(x.base, ir.Var) and x.base.name in dims:
                return ir.Var(f"{x.base.name}_{x.field}", I32, x.span)
            if isinstance(x, ir.Call) and x.callee in STATUS:
                return const(0)
            if isinstance(x, ir.EnumConst) and x.name in ("cudaSuccess", "hipSuccess", "cnrtSuccess"):
                return const(0)
            return x
        return transform(e, fix)

    body = tuple(x for s in fn.body.stmts for x in stmt(s))
    return ir.Function(fn.name, ir.FuncKind.KERNEL, fn.ret, fn.params, ir.Block(body, fn.body.span),
                       frozenset(), True, (), (), fn.span)


def _int(e: ir.Expr) -> ir.Expr:
    if isinstance(e.type, Scalar) and e.type.dtype is DType.I32:
        return e
    return ir.Cast(e, I32)


def _block(stmts: list[ir.Stmt]) -> ir.Stmt:
    return stmts[0] if len(stmts) == 1 and isinstance(stmts[0], ir.Block) else ir.Block(tuple(stmts))


def dim_values(config_expr: ir.Expr) -> list[ir.Expr]:
    """(x, y, z) expressions of a launch dimension: a dim3 variable (split by lift_host), a
    dim3(...) call, a braced list, or an integer."""
    e = config_expr
    if isinstance(e, ir.Var) and is_dim3(e.type):
        return [ir.Var(f"{e.name}_{c}", I32) for c in "xyz"]
    if isinstance(e, ir.Call) and e.callee in ("dim3",) and len(e.args) == 1 and is_dim3(e.args[0].type):
        return dim_values(e.args[0])                     # dim3(block): a copy
    if isinstance(e, ir.Call) and e.callee in ("dim3",):
        vals = [_int(a) for a in e.args]
        return vals + [const(1)] * (3 - len(vals))
    if isinstance(e, ir.InitList):
        vals = [_int(a) for a in e.items]
        return vals + [const(1)] * (3 - len(vals))
    return [_int(e), const(1), const(1)]
