"""Lift host code (launchers) to plain C: device allocation becomes malloc, copies memcpy,
launches are replaced by the loop nests the platform lifter builds, runtime handles vanish.

Before: a host function using cudaMalloc/hipMalloc/cnrtMalloc, memcpy calls, dim3 / cnrtDim3_t,
        queues and kernel launches, and checks of the status codes the runtime calls return
        (`CUDA_CHECK(cudaMalloc(...))`: `if (e != cudaSuccess) { fprintf(stderr, ...); exit(1); }`).
After:  the same function in plain C: dim3 values are split into `<name>_x/_y/_z` ints,
        every launch is replaced by `instantiate(launch, config)` statements. A lifted runtime
        call always succeeds, so every status value is 0: runtime calls inside expressions run as
        statements before theirs, status variables vanish, the runtimes' error strings become
        the message of success, and the branches that the constant conditions never take are
        dropped (xpiler.constfold.prune): nothing of a dead error path is left. Output the
        program makes on a live path (a printf that always runs) stays.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from xpiler import ir
from xpiler.constfold import fold, prune
from xpiler.diagnostics import XpilerError, not_supported
from xpiler.intrinsics import lookup
from xpiler.irutil import children, const, transform, walk
from xpiler.types import Array, DType, I32, U64, Opaque, Pointer, Scalar, Vector, VecKind, Void, scalar

MALLOC = {"cudaMalloc", "hipMalloc", "cnrtMalloc"}
MEMCPY = {"cudaMemcpy", "hipMemcpy", "cnrtMemcpy"}
MEMSET = {"cudaMemset", "hipMemset", "cnrtMemset"}
FREE = {"cudaFree", "hipFree", "cnrtFree"}
# copies to (True) or from (False) a `__constant__`/`__device__` variable: in the canonical form a
# memcpy to or from the file-scope variable (lift/simt.py device_globals)
SYMBOL_COPIES = {"cudaMemcpyToSymbol": True, "hipMemcpyToSymbol": True,
                 "cudaMemcpyFromSymbol": False, "hipMemcpyFromSymbol": False}
DROP = {"cudaDeviceSynchronize", "hipDeviceSynchronize", "cudaGetLastError", "hipGetLastError",
        "cnrtQueueSync", "cnrtSyncQueue", "cnrtQueueCreate", "cnrtCreateQueue", "cnrtQueueDestroy",
        "cnrtDestroyQueue", "cnrtSetDevice", "cudaSetDevice", "hipSetDevice", "cudaStreamCreate",
        "hipStreamCreate", "cudaStreamDestroy", "hipStreamDestroy", "cudaStreamSynchronize",
        "hipStreamSynchronize", "cudaFuncSetAttribute", "hipFuncSetAttribute"}
STATUS = {"cudaDeviceSynchronize", "hipDeviceSynchronize", "cudaGetLastError", "hipGetLastError",
          "cudaMalloc", "hipMalloc", "cnrtMalloc", "cudaMemcpy", "hipMemcpy", "cnrtMemcpy"}

# what the runtimes' calls return; in lifted code every such value is success, 0
STATUS_TYPES = {"cudaError_t", "hipError_t", "cnrtRet_t"}
SUCCESS = {"cudaSuccess", "hipSuccess", "cnrtSuccess", "CNRT_RET_SUCCESS"}

VOID_PTR = Pointer(Void())


def is_status(t) -> bool:
    return isinstance(t, Opaque) and t.name in STATUS_TYPES


def _status_calls(e: ir.Expr, conditional: bool, out: list[ir.Call], span) -> None:
    """Runtime calls (status-returning) in `e`, innermost first, each with its own runtime-call
    arguments replaced by their (always success) value; refused where C evaluates them only
    under a condition (the right of && and ||, the arms of ?:)."""
    if isinstance(e, ir.Call) and is_status(e.type):
        if conditional:
            raise not_supported(e.span or span, f"a call of {e.callee} evaluated only under a condition "
                                                f"(right of &&, ||, or an arm of ?:)")
        for a in e.args:
            _status_calls(a, conditional, out, span)
        out.append(ir.Call(e.callee, tuple(_succeeded(a) for a in e.args), e.type, e.template_args, e.span))
        return
    if isinstance(e, ir.Binary) and e.op in ("&&", "||"):
        _status_calls(e.left, conditional, out, span)
        _status_calls(e.right, True, out, span)
        return
    if isinstance(e, ir.Ternary):
        _status_calls(e.cond, conditional, out, span)
        _status_calls(e.then, True, out, span)
        _status_calls(e.other, True, out, span)
        return
    for c in children(e):
        _status_calls(c, conditional, out, span)


def _succeeded(e: ir.Expr) -> ir.Expr:
    """`e` with every runtime call in it replaced by the status it returns: success."""
    return transform(e, lambda x: ir.Const(0, x.type, "0") if isinstance(x, ir.Call) and is_status(x.type) else x)


def hoist_status_calls(s: ir.Stmt) -> list[ir.Stmt]:
    """`cudaError_t e = cudaMalloc(&p, n);` -> `cudaMalloc(&p, n); cudaError_t e = <success>;`:
    runtime calls inside the expressions of a simple statement (or an if's or switch's
    condition) become statements of their own, run first."""
    if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and is_status(s.expr.type):
        calls: list[ir.Call] = []
        for a in s.expr.args:
            _status_calls(a, False, calls, s.span)
        if not calls:
            return [s]
        top = ir.ExprStmt(dataclasses.replace(s.expr, args=tuple(_succeeded(a) for a in s.expr.args)), s.span)
        return [ir.ExprStmt(c, s.span) for c in calls] + [top]
    if isinstance(s, (ir.For, ir.While)):
        parts = [s.cond] + ([x for x in s.init + s.step] if isinstance(s, ir.For) else [])
        if any(isinstance(n, ir.Call) and is_status(n.type) for p in parts if p is not None for n in walk(p)):
            raise not_supported(s.span, "a runtime call in a loop's header")
        return [s]
    if isinstance(s, (ir.Block, ir.Launch, ir.PragmaStmt, ir.Break, ir.Continue)):
        return [s]
    exprs = [s.cond] if isinstance(s, ir.If) else [s.value] if isinstance(s, ir.Switch) else \
        [n for n in children(s) if isinstance(n, ir.Expr)]
    calls = []
    for e in exprs:
        if e is not None:
            _status_calls(e, False, calls, s.span)
    if not calls:
        return [s]
    if isinstance(s, ir.If):
        s = dataclasses.replace(s, cond=_succeeded(s.cond))
    elif isinstance(s, ir.Switch):
        s = dataclasses.replace(s, value=_succeeded(s.value))
    else:
        s = transform(s, lambda x: ir.Const(0, x.type, "0") if isinstance(x, ir.Call) and is_status(x.type) else x)
    rest = [] if isinstance(s, ir.ExprStmt) and not any(isinstance(n, ir.Call) for n in walk(s.expr)) else [s]
    return [ir.ExprStmt(c, c.span) for c in calls] + rest


def is_dim3(t) -> bool:
    return isinstance(t, Vector) and t.kind is VecKind.STRUCT and t.name in ("dim3", "cnrtDim3_t", "uint3")


def _pointer_var(e: ir.Expr) -> ir.Var | None:
    while isinstance(e, (ir.Cast, ir.AddressOf)):
        e = e.operand
    return e if isinstance(e, ir.Var) else None


def lift_host(fn: ir.Function, instantiate: Callable[[ir.Launch, list], list],
              constants: dict[str, int | float] | None = None) -> ir.Function:
    """Rewrite a host function; `instantiate(launch, config)` gives the statements of a launch.
    `constants`: values of the file's scalar constants (`constexpr int THREADS = 192;`), updated
    with the function's own (`const int threads = 256;`) so that launch geometry written with
    them is known (fold_known)."""
    dims: dict[str, Vector] = {}
    constant_dims: dict[str, list] = {}
    known = constants if constants is not None else {}
    declared: dict[str, int] = {}
    for n in walk(fn.body):
        if isinstance(n, ir.Decl):
            declared[n.name] = declared.get(n.name, 0) + 1

    def stmt(s: ir.Stmt) -> list[ir.Stmt]:
        hoisted = hoist_status_calls(s)
        if len(hoisted) != 1 or hoisted[0] is not s:
            return [x for h in hoisted for x in stmt(h)]
        if isinstance(s, ir.Assign) and is_status(s.target.type):
            return []                               # a status variable: always success, it vanishes
        if isinstance(s, ir.Decl):
            if is_dim3(s.type):
                return dim3_decl(s)
            if s.storage & {"const", "constexpr"} and isinstance(s.type, Scalar) and s.init is not None:
                value = fold_known(s.init, known)
                if value is not None and declared.get(s.name) == 1:
                    known[s.name] = value           # one declaration of the name: no shadowing
            if isinstance(s.type, Opaque) or (isinstance(s.type, Scalar) and False):
                return []                           # queues, streams, function types
            return [ir.Decl(s.name, s.type, expr(s.init) if s.init is not None else None,
                            None if s.ctor_args is None else tuple(expr(a) for a in s.ctor_args),
                            s.storage, s.space, s.span)]
        if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call):
            return call_stmt(s.expr, s)
        if isinstance(s, ir.Launch):
            config = [launch_dim(c) for c in s.config]
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

    def launch_dim(c: ir.Expr) -> ir.Expr:
        """A launch configuration item, with what is known constant as constants."""
        var = c.args[0] if isinstance(c, ir.Call) and c.callee == "dim3" and len(c.args) == 1 \
            and is_dim3(c.args[0].type) else c                   # `dim3(block)`: a copy
        if isinstance(var, ir.Var) and var.name in constant_dims:
            return ir.Call("dim3", tuple(const(v) for v in constant_dims[var.name]), var.type)
        return known_values(expr(c))

    def known_values(e: ir.Expr) -> ir.Expr:
        """A launch dimension (an integer, `dim3(...)`, `{...}`) with its components that are
        constants written as names (`THREADS`) replaced by their values."""
        def value(x: ir.Expr) -> ir.Expr:
            v = fold_known(x, known)
            return const(int(v)) if isinstance(v, (int, float)) and not isinstance(x, ir.Const) else x
        if isinstance(e, ir.Call) and e.callee == "dim3" and not any(is_dim3(a.type) for a in e.args):
            return dataclasses.replace(e, args=tuple(value(a) for a in e.args))
        if isinstance(e, ir.InitList):
            return dataclasses.replace(e, items=tuple(value(a) for a in e.items))
        return e if is_dim3(e.type) else value(e)

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
        folded = [fold_known(v, known) for v in values]
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
        if name in SYMBOL_COPIES:
            return [ir.ExprStmt(symbol_copy(c, SYMBOL_COPIES[name], expr), s.span)]
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
            if isinstance(x, ir.Cast) and is_status(x.type) and not is_status(x.operand.type) \
                    and fold(x.operand) != 0:
                raise not_supported(x.span, f"a {x.type.c()} made from a number (lifted runtime calls "
                                            f"always succeed; only success is known)")
            if isinstance(x, ir.Call) and "success" in getattr(lookup(x.callee), "data", {}) and \
                    all(isinstance(a, ir.Const) and a.value == 0 for a in x.args):
                return ir.Str(lookup(x.callee).data["success"], x.type, x.span)   # cudaGetErrorString(0)
            if isinstance(x, ir.Call) and x.callee in STATUS:
                return const(0)
            if isinstance(x, ir.EnumConst) and x.name in SUCCESS:
                return const(0)
            if is_status(x.type) and isinstance(x, (ir.Var, ir.Const, ir.Cast)):
                return const(0)                     # a status: the runtime call that gave it succeeded
            return x
        return transform(e, fix)

    body = tuple(x for s in fn.body.stmts for x in stmt(s))
    ret = I32 if is_status(fn.ret) else fn.ret      # a launcher returning its last status: 0
    return ir.Function(fn.name, ir.FuncKind.KERNEL, ret, fn.params, prune(ir.Block(body, fn.body.span)),
                       frozenset(), True, (), (), fn.span)


def symbol_copy(c: ir.Call, to_symbol: bool, expr: Callable) -> ir.Call:
    """`cudaMemcpyToSymbol(sym, src, bytes[, offset[, kind]])` -> `memcpy(sym, src, bytes)`, or
    `memcpy((uint8_t*)sym + offset, ...)` (the offset counts bytes; `&sym` for a scalar); FromSymbol
    the other way round. The copy's kind can only be the default (host <-> device)."""
    sym = c.args[0] if to_symbol else c.args[1]
    while isinstance(sym, (ir.Cast, ir.AddressOf)):
        sym = sym.operand
    if not isinstance(sym, ir.Var):
        raise XpilerError(sym.span or c.span, f"cannot translate {c.callee} of this symbol to the canonical form "
                                              f"(it must name a __constant__ or __device__ variable)")
    if len(c.args) > 4 and not (isinstance(c.args[4], ir.EnumConst) and
                                c.args[4].name.endswith("HostToDevice" if to_symbol else "DeviceToHost")):
        raise XpilerError(c.args[4].span or c.span, f"cannot translate {c.callee} with the copy kind "
                                                    f"'{getattr(c.args[4], 'name', '?')}' to the canonical form")
    address = sym if isinstance(sym.type, Array) else ir.AddressOf(sym, Pointer(sym.type))
    if len(c.args) > 3 and fold(c.args[3]) != 0:
        byte = Pointer(scalar(DType.U8))
        address = ir.Binary("+", ir.Cast(address, byte), expr(c.args[3]), byte)
    other = expr(c.args[1] if to_symbol else c.args[0])
    args = (address, other) if to_symbol else (other, address)
    return ir.Call("memcpy", args + (expr(c.args[2]),), VOID_PTR, (), c.span)


def fold_known(e: ir.Expr, known: dict[str, int | float]) -> int | float | None:
    """The value of `e` when it is a constant expression, the variables in `known` counting as
    their values; None otherwise."""
    def substitute(n):
        if isinstance(n, ir.Var) and n.name in known:
            return ir.Const(known[n.name], n.type, n.name, n.span)
        return n
    try:
        return fold(transform(e, substitute)) if known else fold(e)
    except (ArithmeticError, TypeError, ValueError):
        return None


def file_constants(module: ir.Module) -> dict[str, int | float]:
    """The module's file-scope scalar constants (`constexpr int N = 64;`, `const int T = N / 4;`)
    by name, in declaration order (later ones may use earlier ones)."""
    known: dict[str, int | float] = {}
    for g in module.globals:
        if g.storage & {"const", "constexpr"} and isinstance(g.type, Scalar) and g.init is not None:
            value = fold_known(g.init, known)
            if value is not None:
                known[g.name] = int(value) if g.type.dtype.is_int else value
    return known


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
