"""Canonical atomic updates (recognised by atomics.py) -> CUDA/HIP atomics.

`omp atomic` `x += v` becomes atomicAdd(&x, v) (float, double, int, unsigned, unsigned long
long), `-=` atomicAdd of -v (atomicSub for integers), `&= |= ^=` atomicAnd/Or/Xor; an
`omp critical` max/min update becomes atomicMax/atomicMin for integers and, for float, a
compare-and-swap loop that stores the update's own result (so NaN operands behave as in the
canonical statement).
"""
from __future__ import annotations

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, walk
from xpiler.types import BOOL, DType, F32, I32, Pointer, Scalar

from .atomics import PRAGMAS, form, updates
from .scoped import map_top_down

ADD_TYPES = {DType.F32, DType.F64, DType.I32, DType.U32, DType.U64}
INT_TYPES = {DType.I32, DType.U32, DType.U64}
BITWISE = {"&": "atomicAnd", "|": "atomicOr", "^": "atomicXor"}


def lower_atomics(body: ir.Stmt, target: str) -> ir.Stmt:
    """Every `omp atomic` / `omp critical` pair in `body` replaced by its atomic statement."""
    def lower(pragma: ir.PragmaStmt, update: ir.Stmt) -> list[ir.Stmt]:
        u = form(pragma, update)
        if u is None:
            raise XpilerError(pragma.span or getattr(update, "span", None),
                              f"cannot translate this '#pragma {pragma.text}' section to {target}: only "
                              f"`x op= v` updates and `if (v > x) x = v;`-style max/min have native atomics")
        return [_atomic(u, target, pragma.span) if pragma.text == "omp atomic" else _max_min(u, update, target,
                                                                                           pragma.span)]
    out = updates(body, lower)
    for s in walk(out):
        if isinstance(s, ir.PragmaStmt) and s.text in PRAGMAS:
            raise XpilerError(s.span, f"cannot translate '#pragma {s.text}' to {target}: "
                                      f"it is not followed by an update statement")
    return out


def is_atomic_call(e) -> bool:
    return isinstance(e, ir.Call) and e.callee.startswith("atomic")


def _address(target: ir.Expr) -> ir.Expr:
    if isinstance(target, ir.Deref):
        return target.operand
    return ir.AddressOf(target, Pointer(target.type))


def _dtype(e: ir.Expr) -> DType | None:
    return e.type.dtype if isinstance(e.type, Scalar) else None


def _as(e: ir.Expr, t) -> ir.Expr:
    return e if e.type == t else ir.Cast(e, t)


def _call(name: str, args, t) -> ir.Stmt:
    return ir.ExprStmt(ir.Call(name, tuple(args), t))


def _atomic(u, target: str, span) -> ir.Stmt:
    d, t = _dtype(u.target), u.target.type
    ptr, value = _address(u.target), _as(u.value, t)
    if u.op in ("+", "-") and d in ADD_TYPES:
        if u.op == "-" and not d.is_float:
            return _call("atomicSub", (ptr, value), t)
        return _call("atomicAdd", (ptr, ir.Unary("-", value, t) if u.op == "-" else value), t)
    if u.op in BITWISE and d in INT_TYPES:
        return _call(BITWISE[u.op], (ptr, value), t)
    raise XpilerError(span, f"cannot translate the atomic update ('{u.op}=' on {t.c()}) to {target}: "
                            f"no native atomic for it")


def _max_min(u, update: ir.Stmt, target: str, span) -> ir.Stmt:
    d, t = _dtype(u.target), u.target.type
    if d in INT_TYPES:
        return _call("atomicMax" if u.op == "max" else "atomicMin", (_address(u.target), _as(u.value, t)), t)
    if d is not DType.F32:
        raise XpilerError(span, f"cannot translate a {u.op} update of {t.c()} to {target}: "
                                f"no native atomic and no compare-and-swap loop for it")
    return _cas_loop(u, update)


def _cas_loop(u, update: ir.Stmt) -> ir.Stmt:
    """Retry `atomicCAS` on the bits of a float until memory holds the update's result for the
    value it last held: `want` is the canonical update applied to that value."""
    p, v = ir.Var("__ap", Pointer(F32)), ir.Var("__av", F32)
    old, seen, bits = ir.Var("__aold", I32), ir.Var("__aseen", I32), ir.Var("__abits", I32)
    current = ir.Call("__int_as_float", (old,), F32)
    swap = lambda e: map_top_down(e, lambda n: current if n == u.target else v if n == u.value else None)
    while isinstance(update, ir.Block) and len(update.stmts) == 1:
        update = update.stmts[0]
    if isinstance(update, ir.If):                  # if (v > x) x = v;
        want = ir.Ternary(swap(update.cond), v, current, F32)
    else:                                          # x = fmaxf(x, v);
        want = swap(update.value)
    loop = ir.While(ir.Const(True, BOOL, "true"), ir.Block((
        ir.Decl(bits.name, I32, ir.Call("__float_as_int", (want,), I32)),
        ir.If(binary("==", bits, old), ir.Block((ir.Break(),))),
        ir.Decl(seen.name, I32, ir.Call("atomicCAS", (ir.Cast(p, Pointer(I32)), old, bits), I32)),
        ir.If(binary("==", seen, old), ir.Block((ir.Break(),))),
        ir.Assign(old, None, seen))))
    return ir.Block((
        ir.Decl(p.name, p.type, _address(u.target)),
        ir.Decl(v.name, F32, _as(u.value, F32)),
        ir.Decl(old.name, I32, ir.Call("__float_as_int", (ir.Deref(p, F32),), I32)),
        loop))
