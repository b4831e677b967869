"""File-scope variables in CUDA/HIP output (cuda.md §3, hip.md §8).

Before: the canonical form's globals, some used by kernels in place (emit/offload.py keeps them
        out of the kernels' parameters), which the host entry fills or reads with
        `memcpy(w, src, n)` / `memcpy((uint8_t*)w + off, src, n)` (lift/host.py symbol_copy).
After:  a global kernels use is a `__constant__` variable when no kernel may write it and it fits
        the 64 KB of constant memory, else a `__device__` one; each host memcpy to or from it is
        the runtime's symbol copy, `cudaMemcpyToSymbol(w, src, n, off)` /
        `hipMemcpyToSymbol(HIP_SYMBOL(w), src, n, off)` (FromSymbol the other way). Any other
        host use of such a variable is refused: the host's copy of it is not the device's.
        Globals only host code uses stay host globals; scalar constants are `constexpr`.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import transform, walk
from xpiler.types import Array, Opaque, Pointer, Scalar, Space, U64, sizeof

from .offload import is_constant
from .staging import written_in

CONSTANT_BYTES = 64 * 1024          # constant memory (cuda.md §3, hip.md §3)


def device_globals(m: ir.Module, functions: list[ir.Function], prefix: str) -> tuple[tuple[ir.Decl, ...], list[ir.Function]]:
    """(the file-scope declarations, `functions` with host symbol copies) for a lowered module;
    `prefix` is the runtime's (cuda, hip)."""
    device = [f for f in functions if f.kind is not ir.FuncKind.HOST and f.body is not None]
    on_device = {g.name: g for g in m.globals if not is_constant(g) and any(_uses(f, g.name) for f in device)}
    functions = [f if f.kind is not ir.FuncKind.HOST or f.body is None else
                 dataclasses.replace(f, body=transform(f.body, lambda n: _symbol_copy(n, on_device, prefix)))
                 for f in functions]
    out = []
    for g in m.globals:
        if is_constant(g):
            # an integral/float constant: a compile-time value both sides can use
            out.append(dataclasses.replace(g, storage=frozenset({"constexpr"}), space=Space.LOCAL))
            continue
        if g.name not in on_device:
            out.append(g)
            continue
        for f in functions:
            if f.kind is ir.FuncKind.HOST and f.body is not None:
                for n in walk(f.body):
                    if isinstance(n, ir.Var) and n.name == g.name and not _symbol_argument(n, f.body):
                        raise XpilerError(n.span or g.span, f"cannot translate the global '{g.name}' to {prefix}: "
                                                            f"both host code and kernels use it (only copies "
                                                            f"to and from it are host code's)")
        written = any(written_in(f.body, g.name) for f in device)
        size = sizeof(g.type)
        constant = not written and size is not None and size <= CONSTANT_BYTES
        storage = g.storage - {"const", "static"} | (set() if constant else {"__device__"})
        out.append(ir.Decl(g.name, g.type, g.init, g.ctor_args, frozenset(storage),
                           Space.CONSTANT if constant else Space.GLOBAL, g.span))
    return tuple(out), functions


def _uses(f: ir.Function, name: str) -> bool:
    return any(isinstance(n, ir.Var) and n.name == name for n in walk(f.body))


def _symbol_argument(v: ir.Var, body: ir.Block) -> bool:
    """Whether `v` is the symbol of a symbol copy (the only host use of a device variable)."""
    return any(isinstance(n, ir.Call) and n.callee.endswith(("MemcpyToSymbol", "MemcpyFromSymbol"))
               and any(a is v or (isinstance(a, ir.Call) and a.callee == "HIP_SYMBOL" and a.args[0] is v)
                       for a in n.args) for n in walk(body))


def _symbol_copy(n, on_device: dict[str, ir.Decl], prefix: str):
    """`memcpy(dst, src, n)` with one side in a device variable -> the runtime's symbol copy."""
    if not (isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and n.expr.callee == "memcpy"):
        return n
    c = n.expr
    dst, src = (_in_symbol(a, on_device) for a in c.args[:2])
    if dst is None and src is None:
        return n
    if dst is not None and src is not None:
        raise XpilerError(c.span, f"cannot translate a copy between two device variables to {prefix}")
    (sym, offset), other = (dst, c.args[1]) if dst is not None else (src, c.args[0])
    symbol = ir.Call("HIP_SYMBOL", (sym,), sym.type) if prefix == "hip" else sym
    name = f"{prefix}MemcpyToSymbol" if dst is not None else f"{prefix}MemcpyFromSymbol"
    args = (symbol, other) if dst is not None else (other, symbol)
    return ir.ExprStmt(ir.Call(name, args + (c.args[2], offset), Opaque("status"), (), c.span), n.span)


def _in_symbol(e: ir.Expr, on_device: dict) -> tuple[ir.Var, ir.Expr] | None:
    """(the device variable, byte offset) of an address into one; None for other addresses."""
    offset: list[ir.Expr] = []
    while True:
        if isinstance(e, ir.Cast) and isinstance(e.type, Pointer):
            e = e.operand
        elif isinstance(e, ir.AddressOf) and isinstance(e.operand, ir.Var):
            e = e.operand
        elif isinstance(e, ir.AddressOf) and isinstance(e.operand, ir.Index):
            offset.append(_bytes(e.operand.index, e.operand.type))
            e = e.operand.base
        elif isinstance(e, ir.Binary) and e.op in "+-" and isinstance(e.left.type, (Pointer, Array)):
            step = _bytes(e.right, e.left.type.to if isinstance(e.left.type, Pointer) else e.left.type.of)
            offset.append(step if e.op == "+" else ir.Unary("-", step, step.type))
            e = e.left
        else:
            break
    if not (isinstance(e, ir.Var) and e.name in on_device):
        return None
    total: ir.Expr = ir.Const(0, U64, "0")
    for part in reversed(offset):
        total = part if isinstance(total, ir.Const) and total.value == 0 else ir.Binary("+", total, part, U64)
    return ir.Var(e.name, on_device[e.name].type, e.span), total


def _bytes(count: ir.Expr, elem) -> ir.Expr:
    """`count` elements of type `elem`, in bytes."""
    size = sizeof(elem)
    if size == 1:
        return count
    return ir.Binary("*", count, ir.SizeOf(elem, U64), U64)
