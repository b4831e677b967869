"""Canonical atomic updates -> CUDA/HIP atomics (shared by the cuda and hip emitters).

`#pragma omp atomic` before `x op= v` becomes atomicAdd/atomicSub/atomicAnd/Or/Xor(&x, v);
`#pragma omp critical` before `if (v > x) x = v;` (or <, >=, <=, either operand order) becomes
atomicMax/atomicMin for integers and a compare-and-swap loop for float.
"""
from __future__ import annotations

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, transform
from xpiler.types import BOOL, DType, F32, I32, Pointer, Scalar, Void

ADD_TYPES = {DType.F32, DType.F64, DType.I32, DType.U32, DType.U64}
INT_TYPES = {DType.I32, DType.U32, DType.U64}
BITWISE = {"&": "atomicAnd", "|": "atomicOr", "^": "atomicXor"}
PRAGMAS = ("omp atomic", "omp critical")


def lower_atomics(body: ir.Stmt, target: str) -> ir.Stmt:
    """Every `omp atomic` / `omp critical` pair in `body` replaced by its atomic statement."""
    def fix(node):
        if isinstance(node, ir.Block) and any(isinstance(s, ir.PragmaStmt) and s.text in PRAGMAS
                                              for s in node.stmts):
            return ir.Block(tuple(_pairs(list(node.stmts), target)), node.span)
        return node
    out = transform(body, fix)
    for s in _all_stmts(out):
        if isinstance(s, ir.PragmaStmt) and s.text in PRAGMAS:
            raise XpilerError(s.span, f"cannot translate '#pragma {s.text}' to {target}: "
                                      f"it is not followed by an update statement")
    return out


def _all_stmts(s):
    from xpiler.irutil import walk
    return (n for n in walk(s) if isinstance(n, ir.Stmt))


def _pairs(stmts: list, target: str) -> list:
    out = []
    i = 0
    while i < len(stmts):
        s = stmts[i]
        if isinstance(s, ir.PragmaStmt) and s.text in PRAGMAS and i + 1 < len(stmts):
            update = stmts[i + 1]
            out.append(atomic_update(update, target) if s.text == "omp atomic"
                       else critical_update(update, s.span, target))
            i += 2
            continue
        out.append(s)
        i += 1
    return out


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


def atomic_update(s: ir.Stmt, target: str) -> ir.Stmt:
    """`x op= v` (or `x = x op v`) as one atomic call."""
    if not isinstance(s, ir.Assign):
        raise XpilerError(getattr(s, "span", None), f"cannot translate '#pragma omp atomic' before a "
                                                    f"{type(s).__name__} to {target}")
    op, value = s.op, s.value
    if op is None and isinstance(value, ir.Binary) and value.left == s.target:
        op, value = value.op, value.right
    d = _dtype(s.target)
    t = s.target.type
    ptr = _address(s.target)
    if op in ("+", "-") and d in ADD_TYPES:
        if op == "-":
            if d.is_float:
                value = ir.Unary("-", _as(value, t), t)
            else:
                return _call("atomicSub", (ptr, _as(value, t)), t)
        return _call("atomicAdd", (ptr, _as(value, t)), t)
    if op in BITWISE and d in INT_TYPES:
        return _call(BITWISE[op], (ptr, _as(value, t)), t)
    what = f"'{op or ''}=' on {t.c()}" if d is not None else f"an update of {t.c()}"
    raise XpilerError(s.span, f"cannot translate the atomic update ({what}) to {target}: "
                              f"no native atomic for it")


def _critical_parts(s: ir.Stmt):
    """(cond, target, value) of `if (cond) target = value;`, possibly wrapped in blocks."""
    while isinstance(s, ir.Block) and len(s.stmts) == 1:
        s = s.stmts[0]
    if not isinstance(s, ir.If) or s.other is not None:
        return None
    then = s.then
    while isinstance(then, ir.Block) and len(then.stmts) == 1:
        then = then.stmts[0]
    if not isinstance(then, ir.Assign) or then.op is not None or not isinstance(s.cond, ir.Binary):
        return None
    return s.cond, then.target, then.value


def critical_update(s: ir.Stmt, span, target: str) -> ir.Stmt:
    """A max/min update in an `omp critical` section as atomicMax/atomicMin or a CAS loop."""
    parts = _critical_parts(s)
    kind = None
    if parts is not None:
        cond, tgt, value = parts
        bigger = cond.op in (">", ">=")
        if cond.op in (">", ">=", "<", "<="):
            if cond.left == value and cond.right == tgt:
                kind = "max" if bigger else "min"
            elif cond.left == tgt and cond.right == value:
                kind = "min" if bigger else "max"
    if kind is None:
        raise XpilerError(span, f"cannot translate this '#pragma omp critical' section to {target}: "
                                f"only `if (v > x) x = v;`-style max/min updates have a native atomic")
    d = _dtype(tgt)
    t = tgt.type
    if d in INT_TYPES:
        return _call("atomicMax" if kind == "max" else "atomicMin", (_address(tgt), _as(value, t)), t)
    if d is not DType.F32:
        raise XpilerError(span, f"cannot translate a {kind} update of {t.c()} to {target}: "
                                f"no native atomic and no compare-and-swap loop for it")
    return _cas_loop(cond, tgt, value)


def _cas_loop(cond: ir.Binary, tgt: ir.Expr, value: ir.Expr) -> ir.Stmt:
    """Retry `atomicCAS` on the bits of a float while the update condition still holds against
    the value last seen in memory."""
    p = ir.Var("__ap", Pointer(F32))
    v = ir.Var("__av", F32)
    old = ir.Var("__aold", I32)
    seen = ir.Var("__aseen", I32)
    current = ir.Call("__int_as_float", (old,), F32)
    holds = ir.Binary(cond.op, v if cond.left == value else current,
                      current if cond.left == value else v, BOOL)
    cas = ir.Call("atomicCAS", (ir.Cast(p, Pointer(I32)), old, ir.Call("__float_as_int", (v,), I32)), I32)
    loop = ir.While(holds, ir.Block((
        ir.Decl(seen.name, I32, cas),
        ir.If(binary("==", seen, old), ir.Block((ir.Break(),))),
        ir.Assign(old, None, seen))))
    return ir.Block((
        ir.Decl(p.name, p.type, _address(tgt)),
        ir.Decl(v.name, F32, _as(value, F32)),
        ir.Decl(old.name, I32, ir.Call("__float_as_int", (ir.Deref(p, F32),), I32)),
        loop))


def is_atomic_call(e) -> bool:
    return isinstance(e, ir.Call) and e.callee.startswith("atomic")


VOID = Void()
