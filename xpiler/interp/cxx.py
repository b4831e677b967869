"""The interpreter's semantics of structs, references and std::vector (C++ in kernels).

- A struct lives in memory, laid out as C does (`types.layout`): a struct variable's value is a
  `Ptr` to its storage (one copy per lane, like a local array); a field is loaded and stored at
  its offset; assigning a struct, passing it by value or returning it copies its bytes.
- A reference is bound to an lvalue: to a struct, the struct's `Ptr`; to a scalar, vector or
  pointer in memory, a `Cell` at its address; to a register variable, the variable is first
  moved to memory (a `Cell` in its own scope, so every user sees the same storage), as a
  compiler does with a variable whose address is taken.
- A `std::vector` is a `VecValue`: a heap buffer (zero-initialised, or filled with the
  constructor's value), its element count per lane, owned by the scope that declares it (it is
  dropped with the scope). Elements are accessed through the buffer with the usual bounds checks.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xpiler import ir
from xpiler.types import Array, DType, Reference, Space, StdVector, Struct, Type, Vector, sizeof

from .memory import Buffer, MemoryFault, Ptr, byte_indices

PARALLEL = "omp parallel for"


@dataclass(eq=False)
class VecValue:
    """A std::vector: `ptr` to its elements (per-lane offsets), `sizes` its element counts
    (shape () or (L,)), `elem` its element type."""
    ptr: Ptr
    sizes: np.ndarray
    elem: Type


def storage(mc, t: Type, name: str, lanes_of=None) -> Ptr:
    """Fresh memory for one value of `t` per lane (never written: reads before writes are reported)."""
    size = sizeof(t) or 1
    L = mc.L
    stride = -(-size // 16) * 16
    buf = Buffer.zeros(name, Space.LOCAL, stride * L if L > 1 else size)
    if L > 1:
        buf.lane_stride = stride
    offsets = np.arange(L, dtype=np.int64) * stride if L > 1 else np.zeros((), np.int64)
    return Ptr(buf, offsets, size)


def at(ptr: Ptr, offset: int, elem: int) -> Ptr:
    return Ptr(ptr.buffer, ptr.offsets + offset, elem)


# ---- structs ------------------------------------------------------------------------------------

def copy(mc, dst: Ptr, src: Ptr, t: Type, m, span) -> None:
    """Copy a struct's bytes (padding and fields never written included: copying them is not a
    read of their values, so it is not reported; whether they were written travels with them)."""
    n = sizeof(t) or 0
    L = mc.L
    lanes = np.flatnonzero(np.broadcast_to(m, (L,))) if L > 1 else np.zeros(1, np.int64)
    if lanes.size == 0 or n == 0:
        return
    s = byte_indices(src, lanes, 1, n)
    d = byte_indices(dst, lanes, 1, n)
    try:
        mc.memory._check(src, s, 1, lanes, "read")
        mc.memory._check(dst, d, 1, lanes, "write")
    except MemoryFault as e:
        raise mc.fault(span, e) from None
    sb, db = src.buffer, dst.buffer
    written = None if sb.init is None else sb.init[s]
    db.data[d] = sb.data[s]
    if db.init is not None:
        db.init_partial = False
        db.init[d] = True if written is None else written


def struct_value(mc, e: ir.Expr, m) -> Ptr:
    """Where the struct value of `e` is: an lvalue's storage, or a temporary."""
    if isinstance(e, ir.InitList):
        ptr = storage(mc, e.type, "temporary")
        init(mc, ptr, e.type, e, m)
        return ptr
    value = mc.eval(e, m)
    if not isinstance(value, Ptr):
        raise mc.error(e.span, f"internal: a value of struct type {e.type.c()} is not in memory")
    return value


def init(mc, ptr: Ptr, t: Type, value: ir.Expr | None, m) -> None:
    """Initialise the object of type `t` at `ptr` from `value` (a braced list: the elements not
    given are zero, as in C; an expression: converted and stored)."""
    if isinstance(value, ir.InitList) and isinstance(t, (Struct, Array)):
        zero(mc, ptr, t, m)
        if isinstance(t, Struct):
            parts = [(t.offset(name), ft) for name, ft in t.fields]
        else:
            step = sizeof(t.of) or 0
            parts = [(i * step, t.of) for i in range(t.size or len(value.items))]
        for (offset, ft), item in zip(parts, value.items):
            init(mc, at(ptr, offset, sizeof(ft) or 1), ft, item, m)
        return
    if isinstance(t, Struct):
        copy(mc, ptr, struct_value(mc, value, m), t, m, value.span)
        return
    v = mc.initial(t, value, m) if isinstance(value, ir.InitList) else mc.eval(value, m)
    mc.store_at(ptr, t, v, t if isinstance(value, ir.InitList) else value.type, m, value.span)


def zero(mc, ptr: Ptr, t: Type, m) -> None:
    n = sizeof(t) or 0
    mc.memory.store(ptr, DType.U8, np.zeros((1, n), np.uint8), m, count=n)


def declare(mc, s: ir.Decl, m) -> None:
    """A declaration of a struct, a reference or a std::vector."""
    scope = mc.frame.scopes[-1]
    t = s.type
    if isinstance(t, Reference):
        scope[s.name] = bind(mc, t, s.init, m)
    elif isinstance(t, StdVector):
        scope[s.name] = new_vector(mc, s, m)
    else:                                          # a struct: memory of its own, like an array
        ptr = mc.allocate(ir.Decl(s.name, Array(t, 1, s.space), None, None, s.storage, s.space, s.span), m,
                          key=id(s))                # the declaration's own identity: its storage
        ptr = Ptr(ptr.buffer, ptr.offsets, sizeof(t) or 1)
        scope[s.name] = ptr
        if s.init is not None:
            init(mc, ptr, t, s.init, m)


def assign(mc, target: ir.Expr, value: ir.Expr, m, span) -> None:
    """`s = t;` and `s = {...};` for a struct `s` (the whole right side is built first)."""
    src = struct_value(mc, value, m)
    if not isinstance(value, ir.InitList) and _may_overlap(target, value):
        tmp = storage(mc, target.type, "temporary")
        copy(mc, tmp, src, target.type, m, span)
        src = tmp
    copy(mc, mc.address(target, m), src, target.type, m, span)


def _may_overlap(a: ir.Expr, b: ir.Expr) -> bool:
    return not (isinstance(a, ir.Var) and isinstance(b, ir.Var) and a.name != b.name)


def pass_by_value(mc, t: Struct, value: Ptr, m, span) -> Ptr:
    copy_to = storage(mc, t, "argument")
    copy(mc, copy_to, value, t, m, span)
    return copy_to


def ret(mc, frame, t: Struct, value: ir.Expr, m, span) -> None:
    """`return s;` from a function returning a struct: into the frame's own result storage."""
    if frame.ret is None:
        frame.ret = storage(mc, t, "result")
    copy(mc, frame.ret, struct_value(mc, value, m), t, m, span)


# ---- references ---------------------------------------------------------------------------------

def bind(mc, ref: Reference, e: ir.Expr, m):
    """The value a reference to `e` holds: a struct's Ptr, or a Cell at `e`'s address."""
    from .machine import Cell
    t = ref.to
    if isinstance(t, Struct):
        return struct_value(mc, e, m)
    if isinstance(e, ir.Var):
        current = mc.lookup(e.name, e.span)
        if isinstance(current, Cell):
            return current
        if isinstance(current, (Ptr, VecValue)) and isinstance(e.type, (Array, StdVector)):
            raise mc.error(e.span, f"not supported: a reference to the array '{e.name}'")
        return promote(mc, e, current, m)
    if isinstance(e, (ir.Index, ir.Deref)) or (isinstance(e, ir.Member) and isinstance(e.base.type, Struct)):
        if isinstance(e, ir.Index) and isinstance(e.base.type, Vector):
            raise mc.error(e.span, "not supported: a reference to a lane of a vector register")
        return Cell(mc.address(e, m), t)
    if ref.const:                                  # a const reference to a temporary
        cell = Cell(storage(mc, t, "temporary"), t)
        mc.store_at(cell.ptr, t, mc.eval(e, m), e.type, m, e.span)
        return cell
    raise mc.error(e.span, "not supported: a reference bound to this expression")


def promote(mc, var: ir.Var, current, m):
    """Move the register variable `var` to memory (its address is taken by a reference)."""
    from .machine import Cell
    t = var.type
    cell = Cell(storage(mc, t, var.name), t)
    everyone = np.ones(mc.L, bool)
    if current is not None:
        value = current
        if isinstance(value, np.ndarray) and not isinstance(t, Vector) and value.ndim == 0 and mc.L > 1:
            value = np.broadcast_to(value, (mc.L,))
        mc.store_at(cell.ptr, t, value, t, everyone, var.span)
    for scope in reversed(mc.frame.scopes):
        if var.name in scope:
            scope[var.name] = cell
            return cell
    scope = mc.global_scope()
    if var.name in scope:
        scope[var.name] = cell
        return cell
    raise mc.error(var.span, f"internal: unknown variable '{var.name}'")


def bind_arguments(mc, fn: ir.Function, e: ir.Call, m) -> list:
    """Argument values of a call: references bound, structs copied, the rest evaluated."""
    out = []
    for p, a in zip(fn.params, e.args):
        if isinstance(p.type, Reference):
            out.append(bind(mc, p.type, a, m))
        elif isinstance(p.type, Struct):
            out.append(pass_by_value(mc, p.type, struct_value(mc, a, m), m, e.span))
        else:
            out.append(mc.eval(a, m))
    return out


# ---- std::vector --------------------------------------------------------------------------------

def new_vector(mc, s: ir.Decl, m) -> VecValue:
    t: StdVector = s.type
    args = s.ctor_args or ()
    sizes = np.asarray(mc.eval(args[0], m), np.int64) if args else np.zeros((), np.int64)
    vec = VecValue(Ptr(None, np.zeros((), np.int64), sizeof(t.of) or 1), np.zeros((), np.int64), t.of)
    fill = args[1] if len(args) > 1 else None
    resize(mc, vec, sizes, fill, m, s.span, keep=False)
    return vec


def resize(mc, vec: VecValue, sizes, fill: ir.Expr | None, m, span, keep: bool = True) -> None:
    """Give the active lanes `sizes` elements: the first min(old, new) kept when `keep`, the others
    `fill` (zero when None); inactive lanes keep theirs."""
    if np.any(np.asarray(sizes) < 0):
        raise mc.error(span, "std::vector size is negative (std::length_error)")
    L = mc.L
    esize = sizeof(vec.elem) or 1
    active = np.broadcast_to(m, (L,)) if L > 1 else np.ones(1, bool)
    old = np.broadcast_to(vec.sizes, (L,)).astype(np.int64)
    new = np.where(active, np.broadcast_to(sizes, (L,)), old).astype(np.int64)
    stride = max(int(new.max()) * esize, 1)
    stride = -(-stride // 64) * 64 if L > 1 else stride
    buf = Buffer.zeros("std::vector", Space.HOST, stride * L, initialised=True)
    if L > 1:
        buf.lane_stride = stride
    offsets = np.arange(L, dtype=np.int64) * stride if L > 1 else np.zeros((), np.int64)
    ptr = Ptr(buf, offsets, esize)
    if vec.ptr.buffer is not None:
        for lane in range(L):
            n = int(min(old[lane], new[lane])) * esize if (keep or not active[lane]) else 0
            if n:
                s0 = int(np.broadcast_to(vec.ptr.offsets, (L,))[lane])
                buf.data[lane * stride if L > 1 else 0:][:n] = vec.ptr.buffer.data[s0:s0 + n]
    if fill is not None and np.any(active & (new > (old if keep else 0))):
        value = mc.eval(fill, m)
        per_lane = np.broadcast_to(value, (L,)) if np.ndim(value) else None
        for lane in np.flatnonzero(active):
            first = int(old[lane]) if keep else 0
            for i in range(first, int(new[lane])):
                one = np.zeros(L, bool)
                one[lane] = True
                v = per_lane if per_lane is not None else value
                mc.store_at(Ptr(buf, offsets + i * esize, esize), vec.elem, v, fill.type,
                            one if L > 1 else np.ones(1, bool), span)
    vec.ptr, vec.sizes = ptr, (new if L > 1 else new.reshape(()))


def method_call(mc, e: ir.MethodCall, m):
    vec = mc.eval(e.obj, m)
    if not isinstance(vec, VecValue):
        raise mc.error(e.span, f"not supported: '{e.method}' on this value")
    if e.method == "data":
        return vec.ptr
    if e.method == "size":
        return np.asarray(vec.sizes, np.uint64)
    if e.method == "empty":
        return np.asarray(vec.sizes) == 0
    if e.method == "clear":
        resize(mc, vec, np.zeros((), np.int64), None, m, e.span)
        return None
    count = np.asarray(mc.eval(e.args[0], m), np.int64)
    fill = e.args[1] if len(e.args) > 1 else None
    if e.method == "resize":
        resize(mc, vec, count, fill, m, e.span, keep=True)
    elif e.method == "assign":
        resize(mc, vec, count, fill, m, e.span, keep=False)
    else:
        raise mc.error(e.span, f"not supported: std::vector::{e.method}")
    return None


def element_base(mc, base) -> Ptr:
    """The elements of an indexed std::vector (or any other pointer value)."""
    return base.ptr if isinstance(base, VecValue) else base


# ---- what the dependence analysis does not model --------------------------------------------------
# xpiler/dependence.py follows memory through pointers and arrays; a struct or std::vector
# variable is a register to it, and a write through a reference is a write to the reference.
# Its proof stands where that is harmless: a loop that writes only struct and vector variables
# declared inside it (each iteration has its own), and binds non-const references only to
# those. Elsewhere the interpreter keeps the function as written (serial).

def serial_where_unmodelled(source: ir.Module, marked: ir.Module) -> ir.Module:
    """`marked` (`parallelize(source)`) with each function whose marked loops the analysis proved
    while blind to a C++ construct in them taken back as written (serial is always correct)."""
    if marked is source:
        return source
    import dataclasses
    from xpiler.irutil import walk
    functions = []
    for old, new in zip(source.functions, marked.functions):
        if new is not old and new.body is not None and any(
                isinstance(n, ir.For) and PARALLEL in n.pragmas and _blind(n, new, marked)
                for n in walk(new.body)):
            new = old
        functions.append(new)
    return dataclasses.replace(marked, functions=tuple(functions))


def _root(e: ir.Expr):
    """The variable an lvalue is part of (None when it is reached through a pointer)."""
    while True:
        if isinstance(e, ir.Member) and not isinstance(e.base, ir.Deref):
            e = e.base
        elif isinstance(e, ir.Index) and isinstance(e.base.type, (Array, StdVector, Vector)):
            e = e.base
        else:
            return e.name if isinstance(e, ir.Var) else None


def _cxx_kinds(f: ir.Function) -> dict[str, str]:
    """Variables of `f` the analysis does not follow: name -> "value" (a struct or std::vector,
    its own) or "reference" (bound to something else)."""
    from xpiler.irutil import walk
    out = {}
    for p in f.params:
        if isinstance(p.type, Reference):
            out[p.name] = "reference" if not p.type.const else "const"
        elif isinstance(p.type, Struct):
            out[p.name] = "value"
    for d in walk(f.body):
        if isinstance(d, ir.Decl):
            if isinstance(d.type, Reference):
                out[d.name] = "reference" if not d.type.const else "const"
            elif isinstance(d.type, (Struct, StdVector)) or (isinstance(d.type, Array) and _holds_struct(d.type)):
                out[d.name] = "value"
    return out


def _holds_struct(t: Type) -> bool:
    while isinstance(t, Array):
        t = t.of
    return isinstance(t, Struct)


def _blind(loop: ir.For, f: ir.Function, module: ir.Module) -> bool:
    from xpiler.irutil import walk
    inside = {d.name for d in walk(loop) if isinstance(d, ir.Decl)}
    kinds = _cxx_kinds(f)
    ok = lambda name: name in inside and kinds.get(name) != "reference"     # noqa: E731
    return _blind_in(loop, kinds, ok, module, set())


def _blind_in(node, kinds: dict, ok, module: ir.Module, seen: set) -> bool:
    """Whether `node` writes a struct/vector/reference variable that `ok` does not accept, or
    binds a non-const reference to one, directly or in a function it calls."""
    from xpiler.irutil import walk
    for n in walk(node):
        if isinstance(n, ir.Assign):
            r = _root(n.target)
            if r in kinds and kinds[r] != "const" and not ok(r):
                return True
        elif isinstance(n, ir.MethodCall) and n.method in ("resize", "assign", "clear"):
            r = _root(n.obj)
            if not ok(r):
                return True
        elif isinstance(n, ir.Decl) and isinstance(n.type, Reference) and not n.type.const:
            r = _root(n.init)
            if r is None or not ok(r):
                return True
        elif isinstance(n, ir.Call):
            g = next((x for x in module.functions if x.name == n.callee and x.body is not None), None)
            if g is None:
                continue
            for p, a in zip(g.params, n.args):
                if isinstance(p.type, Reference) and not p.type.const:
                    r = _root(a)
                    if r is None or not ok(r):
                        return True
            if g.name not in seen:
                seen.add(g.name)
                own = _cxx_kinds(g)
                local = {d.name for d in walk(g.body) if isinstance(d, ir.Decl)} | \
                    {p.name for p in g.params if not isinstance(p.type, Reference)}
                # a callee's own variables are new at each call; its reference parameters were
                # checked at the call
                callee_ok = lambda name, own=own, local=local: name in local and own.get(name) != "reference" \
                    or own.get(name) == "reference"                              # noqa: E731
                if _blind_in(g.body, own, callee_ok, module, seen):
                    return True
    return False
