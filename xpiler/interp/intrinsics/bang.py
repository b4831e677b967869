"""BANG C intrinsics (bang.md §4-§10) and the CNRT host calls that runtime.py does not cover.

A BANG task is a lane, and NRAM/WRAM arrays are private to it, so a pointer's offsets differ per
lane. Every `__bang_*` call gathers an (L, n) block per active lane with `Memory.load`, computes
with numpy and stores the result. Lanes whose size arguments differ run as separate groups, one
per distinct set of sizes (usually one). Units follow bang.md §6: copy sizes and strides are
bytes (segnum = count - 1), vector counts are elements of T, fills count elements of the
value's type. Floating results are computed in float64 and rounded once to T (`active_*`
approximations are modelled by the exact function, §6.4).
"""
from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from xpiler.builtins import ENUM_CONSTANTS
from xpiler.types import pointee as _pointee
from xpiler.types import Array, DType, Opaque, Pointer, Scalar, Space

from ..memory import MemoryFault, Ptr, bf16_to_f32, f32_to_bf16, register_dtype
from ..values import VarRef, c_div, convert
from . import semantics
from .runtime import SUCCESS, _copy

F16, BF16, F32 = DType.F16, DType.BF16, DType.F32
NRAM_LIKE = frozenset({Space.NRAM, Space.LOCAL, Space.GENERIC})   # plain locals live in NRAM (§3)
SPACES = {"GDRAM": frozenset({Space.GLOBAL, Space.CONSTANT}), "NRAM": NRAM_LIKE,
          "WRAM": frozenset({Space.WRAM}), "SRAM": frozenset({Space.SRAM}), "LDRAM": frozenset({Space.LDRAM})}
DIRECTIONS = {v: name for name, (v, t) in ENUM_CONSTANTS.items()
              if isinstance(t, Opaque) and t.name == "mluMemcpyDirection_t"}
FILL_TYPES = frozenset({DType.I8, DType.U8, DType.I16, DType.U16, DType.I32, DType.U32, F16, BF16, F32})
MAX_SEGNUM = 65535


# ---- arguments ---------------------------------------------------------------------------------

def _u32(v) -> np.ndarray:
    """An `unsigned` argument (C conversion), as int64."""
    return np.asarray(v).astype(np.int64) & 0xFFFFFFFF


def _i32(v) -> np.ndarray:
    """An `int` argument (C conversion), as int64."""
    x = _u32(v)
    return np.where(x >= 1 << 31, x - (1 << 32), x)


def _is_pointer(call, i) -> bool:
    return isinstance(call.args[i].type, (Pointer, Array))


def _dtype(m, call, i) -> DType:
    """Element type T of pointer argument i, from its static type."""
    t = call.args[i].type
    to = _pointee(t)
    if not isinstance(to, Scalar):
        raise m.error(call.span, f"{call.callee}: argument {i + 1} must be a typed pointer (T*), "
                                 f"not {t.c()}")
    return to.dtype


def _ptr(m, call, args, i, spaces=NRAM_LIKE) -> Ptr:
    p = args[i]
    if not isinstance(p, Ptr):
        raise m.error(call.span, f"{call.callee}: argument {i + 1} must be a pointer")
    if p.buffer is not None and p.buffer.space not in spaces:
        where = " or ".join(k for k, v in SPACES.items() if v <= spaces)
        raise m.error(call.span, f"{call.callee}: argument {i + 1} points to {p.buffer.space.value} "
                                 f"memory ('{p.buffer.name}'); it must be {where}")
    return p


def _value(m, call, args, i, d: DType) -> np.ndarray:
    """Scalar argument i converted to T, one value per lane -> (L, 1)."""
    t = call.args[i].type
    v = convert(np.asarray(args[i]), t.dtype if isinstance(t, Scalar) else None, d)
    return np.broadcast_to(v, (m.L,))[:, None]


def _groups(m, mask, *params):
    """Split the active lanes by the values of per-lane integer arguments -> (lanes mask, ints)."""
    cols = [np.asarray(p) for p in params]
    if all(c.ndim == 0 for c in cols):
        yield mask, tuple(int(c) for c in cols)
        return
    table = np.stack([np.broadcast_to(c, (m.L,)) for c in cols], axis=1)
    active = np.flatnonzero(mask)
    rows, inverse = np.unique(table[active], axis=0, return_inverse=True)
    for g, row in enumerate(rows):
        sub = np.zeros(m.L, bool)
        sub[active[inverse.reshape(-1) == g]] = True
        yield sub, tuple(int(x) for x in row)


# ---- memory ------------------------------------------------------------------------------------

def _bounds(m, call, ptr: Ptr, lanes, starts, nbytes: int, what: str, size: int = 1) -> None:
    """Each lane's block [start, start + nbytes) must lie in that lane's own copy of a private
    buffer (NRAM, WRAM, LDRAM: one per task; SRAM: one per cluster), not just in the buffer:
    Memory checks the whole buffer, which would let a task run into its neighbour's NRAM."""
    buf = ptr.buffer
    if buf is None or lanes.size == 0:
        return
    if buf.lane_stride:
        owner = m.groups["cluster"] if buf.space is Space.SRAM else np.arange(m.L)
        lo = owner[lanes].astype(np.int64) * buf.lane_stride
        hi = lo + buf.lane_stride
    else:
        lo, hi = np.zeros_like(starts), np.full_like(starts, buf.nbytes)
    bad = (starts < lo) | (starts + nbytes > hi)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        first = int(starts[i] - lo[i]) // size
        raise m.error(call.span, f"{call.callee}: out-of-bounds {what} of '{buf.name}' "
                                 f"({buf.space.value}): elements [{first}, {first + nbytes // size}), "
                                 f"valid range [0, {int(hi[i] - lo[i]) // size})", int(lanes[i]))


def _lane_bounds(m, call, ptr: Ptr, mask, count: int, d: DType, what: str) -> None:
    lanes = np.flatnonzero(mask)
    _bounds(m, call, ptr, lanes, np.broadcast_to(ptr.offsets, (m.L,))[lanes], count * d.size,
            what, d.size)


def _load(m, call, ptr: Ptr, d: DType, mask, count: int) -> np.ndarray:
    """`count` elements per lane -> (L, count) in the register dtype (inactive lanes 0)."""
    if count <= 0:
        return np.zeros((m.L, 0), register_dtype(d))
    _lane_bounds(m, call, ptr, mask, count, d, "read")
    v = m.memory.load(ptr, d, mask, count)
    return v[:, None] if count == 1 else v


def _store(m, call, ptr: Ptr, d: DType, values, mask, count: int) -> None:
    if count <= 0:
        return
    _lane_bounds(m, call, ptr, mask, count, d, "write")
    v = np.broadcast_to(np.asarray(values), (m.L, count))
    if count == 1:
        m.memory.store(ptr, d, v[:, 0], mask)
    else:
        m.memory.store(ptr, d, v, mask, count)


def _by_rows(m, call, ptrs, offsets, blocks, rows, fn) -> None:
    """Run `fn(ptrs, mask, lanes, segs)` once, one row per (lane, segment) set in `rows` (L, S);
    `offsets` (S,) or (L, S) are byte offsets added to each pointer, `blocks` the (bytes, element
    size) each row touches through it (checked first). Rows are not lanes, so when the memory
    faults anyway (or a race log is kept) it runs segment by segment with the lanes as lanes: the
    error then names the task, and the log the tasks."""
    lanes, segs = np.nonzero(rows)
    if lanes.size == 0:
        return
    offs = [np.broadcast_to(np.asarray(o, np.int64), rows.shape) for o in offsets]
    for p, o, (n, size), what in zip(ptrs, offs, blocks, ("write", "read")):
        _bounds(m, call, p, lanes, np.broadcast_to(p.offsets, (m.L,))[lanes] + o[lanes, segs], n,
                what, size)

    def per_segment():
        every = np.arange(m.L)
        for s in range(rows.shape[1]):
            if rows[:, s].any():
                fn([p.add_bytes(o[:, s]) for p, o in zip(ptrs, offs)], rows[:, s], every,
                   np.full(m.L, s))

    if m.memory.check_races and any(p.buffer is not None and p.buffer.log is not None for p in ptrs):
        return per_segment()
    moved = [Ptr(p.buffer, np.broadcast_to(p.offsets, (m.L,))[lanes] + o[lanes, segs], p.elem_size)
             for p, o in zip(ptrs, offs)]
    try:
        fn(moved, np.ones(lanes.size, bool), lanes, segs)
    except MemoryFault:
        per_segment()
        raise


# ---- rounding (bang.md §6.5: rn nearest-even, tz, dn, up, oz away from zero; rd read as rn) -----

def _nearest(v: np.ndarray, d: DType) -> np.ndarray:
    """float64 -> floating d, nearest-even, rounded once (bfloat16 through round-to-odd float32)."""
    if d is not BF16:
        return v.astype(register_dtype(d))
    f = v.astype(np.float32)
    fv = f.astype(np.float64)
    inexact = (fv != v) & ~np.isnan(v)
    bits = f.view(np.uint32).copy()
    bits[inexact & (np.abs(fv) > np.abs(v))] -= 1          # truncate toward zero ...
    bits[inexact] |= 1                                      # ... and make it odd
    return bf16_to_f32(f32_to_bf16(bits.view(np.float32)))


def _next(c: np.ndarray, d: DType, up: np.ndarray) -> np.ndarray:
    """The neighbour of `c` in format d toward +inf (up) or -inf."""
    if d is not BF16:
        inf = np.asarray(np.inf, c.dtype)
        return np.nextafter(c, np.where(up, inf, -inf))
    bits = c.view(np.uint32).astype(np.int64)
    tiny = np.where(up, 0x00010000, 0x80010000)            # smallest subnormal bfloat16
    grow = (c > 0) == up
    bits = np.where(c == 0, tiny, bits + np.where(grow, 0x10000, -0x10000))
    return bits.astype(np.uint32).view(np.float32)


def _round(v, d: DType, mode: str = "rn") -> np.ndarray:
    """float64 values -> T with a rounding mode; integers saturate and NaN becomes 0."""
    v = np.asarray(v, np.float64)
    with np.errstate(all="ignore"):
        if d.is_int:
            r = {"rn": np.rint, "tz": np.trunc, "dn": np.floor, "up": np.ceil,
                 "oz": lambda x: np.sign(x) * np.ceil(np.abs(x))}[mode](v)
            info = np.iinfo(d.np)
            return np.clip(np.nan_to_num(r, nan=0.0), info.min, info.max).astype(d.np)
        c = _nearest(v, d)
        if mode == "rn":
            return c
        cv = c.astype(np.float64)
        step = {"tz": np.abs(cv) > np.abs(v), "dn": cv > v, "up": cv < v,
                "oz": np.abs(cv) < np.abs(v)}[mode]
        up = {"tz": v < 0, "dn": np.zeros_like(step), "up": np.ones_like(step), "oz": v > 0}[mode]
        return np.where(step, _next(c, d, up), c)


def _f64(x: np.ndarray) -> np.ndarray:
    return np.asarray(x).astype(np.float64)


# ---- §4 synchronisation -----------------------------------------------------------------------

@semantics("__sync", "__sync_io", "__sync_move", "__sync_compute", "__sync_io_move_compute")
def sync_core(m, call, args, mask):
    """Intrinsics run synchronously and in program order, so per-core syncs have nothing to do."""
    return None


@semantics("__sync_cluster", "__sync_all", "__sync_all_ipu")
def sync_barrier(m, call, args, mask):
    if int(np.asarray(m.builtins.get("clusterDim", 1)).reshape(-1)[0]) == 0:
        raise m.error(call.span, f"{call.callee} in a Block launch (clusterDim == 0) is unverified "
                                 f"on hardware (bang.md §4); launch a Union task")
    m.barrier(call.span, mask)


@semantics("__is_mpu")
def is_mpu(m, call, args, mask):
    """The interpreter runs the compute cores only (bang.md §2.1)."""
    return np.asarray(False)


# ---- §5 data movement and fills ----------------------------------------------------------------

def _walks(m, call, size: int, geo: tuple) -> tuple[np.ndarray, np.ndarray]:
    """Byte offsets of the destination and source segments of a 1-, 2- or 3-D copy."""
    if not geo:
        return np.zeros(1, np.int64), np.zeros(1, np.int64)
    if len(geo) == 3:
        dst_stride, src_stride, segnum = geo
        geo = (dst_stride, segnum, 0, 0, src_stride, segnum, 0, 0)
    ds0, dn1, ds1, dn2, ss0, sn1, ss1, sn2 = geo
    if max(dn1, dn2, sn1, sn2) > MAX_SEGNUM:
        raise m.error(call.span, f"{call.callee}: segnum must be in [0, {MAX_SEGNUM}]")
    if (dn1 + 1) * (dn2 + 1) != (sn1 + 1) * (sn2 + 1):
        raise m.error(call.span, f"{call.callee}: destination has {(dn1 + 1) * (dn2 + 1)} segments, "
                                 f"source {(sn1 + 1) * (sn2 + 1)} (bang.md §5.1)")
    for stride, segnum in ((ds0, dn1), (ds1, dn2)):
        if segnum and abs(stride) < size:
            raise m.error(call.span, f"{call.callee}: destination stride {stride} is smaller than "
                                     f"the segment size {size} bytes")
    return _walk(ds0, dn1, ds1, dn2), _walk(ss0, sn1, ss1, sn2)


def _walk(s0, n1, s1, n2) -> np.ndarray:
    """Offsets j*s1 + i*s0 for j <= n2, i <= n1, inner counter first."""
    return (np.arange(n2 + 1, dtype=np.int64)[:, None] * s1
            + np.arange(n1 + 1, dtype=np.int64)[None, :] * s0).reshape(-1)


def _direction(m, call, value, dst: Ptr, src: Ptr, mask) -> None:
    found = np.unique(np.broadcast_to(np.asarray(value), (m.L,))[mask])
    if found.size != 1 or int(found[0]) not in DIRECTIONS:
        raise m.error(call.span, f"{call.callee}: the direction must be one mluMemcpyDirection_t value")
    name = DIRECTIONS[int(found[0])]
    src_space, dst_space = name.split("2")
    for role, p, space in (("destination", dst, dst_space), ("source", src, src_space)):
        if p.buffer is not None and p.buffer.space not in SPACES[space]:
            raise m.error(call.span, f"{call.callee}: direction {name} but the {role} "
                                     f"'{p.buffer.name}' is in {p.buffer.space.value} memory")


@semantics("__memcpy", "__memcpy_async", "__bang_move")
def memcpy(m, call, args, mask):
    """1-D, 2-D and 3-D copies (bang.md §5.1, §5.2); async forms complete at once."""
    move = call.callee == "__bang_move"
    fixed = 3 if move else 4
    extra = len(args) - fixed
    if not move and extra in (1, 4, 9):
        raise m.error(call.span, f"not supported: {call.callee} into another cluster's SRAM "
                                 f"(id_dst_cluster)")
    if extra not in (0, 3, 8):
        raise m.error(call.span, f"{call.callee} takes {fixed}, {fixed + 3} or {fixed + 8} arguments")
    any_space = frozenset().union(*SPACES.values())
    dst = _ptr(m, call, args, 0, NRAM_LIKE if move else any_space)
    src = _ptr(m, call, args, 1, NRAM_LIKE if move else any_space)
    if not move:
        _direction(m, call, args[3], dst, src, mask)
    kinds = {0: "", 3: "ssn", 8: "snsnsnsn"}[extra]          # stride (int) / segnum (unsigned)
    geo = [_i32(a) if k == "s" else _u32(a) for k, a in zip(kinds, args[fixed:])]
    # copy_bytes keeps no race log: where one is kept (SRAM), copy through logged loads/stores
    logged = m.memory.check_races and any(p.buffer is not None and p.buffer.log is not None
                                          for p in (dst, src))
    for sub, (size, *shape) in _groups(m, mask, _u32(args[2]), *geo):
        if size == 0:
            continue
        dst_offs, src_offs = _walks(m, call, size, tuple(shape))
        rows = np.broadcast_to(sub[:, None], (m.L, dst_offs.size))

        def copy(p, rmask, lanes, segs, size=size):
            if logged:
                m.memory.store(p[0], DType.U8, m.memory.load(p[1], DType.U8, rmask, size), rmask, size)
            else:
                m.memory.copy_bytes(p[0], p[1], np.int64(size), rmask)
        _by_rows(m, call, [dst, src], [dst_offs, src_offs], [(size, 1), (size, 1)], rows, copy)


FILL_SPACES = {"__gdramset": SPACES["GDRAM"], "__sramset": SPACES["SRAM"], "__ldramset": SPACES["LDRAM"]}
FILL_ARITY = {"__nramset": (3, 5, 7), "__bang_write_value": (3, 7), "__bang_write_zero": (2,)}


@semantics("__bang_write_value", "__memset_nram", "__nramset", "__gdramset", "__sramset",
           "__ldramset", "__bang_write_zero")
def fill(m, call, args, mask):
    """dst[0:n] = value, the element width from the value's type (bang.md §5.3); 2-D
    (stride, segnum) and 3-D (stride0, segnum1, stride1, segnum2) forms, strides in bytes."""
    dst = _ptr(m, call, args, 0, FILL_SPACES.get(call.callee, NRAM_LIKE))
    if call.callee == "__bang_write_zero":
        d = _dtype(m, call, 0)
        value = np.zeros((m.L, 1), register_dtype(d))
    else:
        t = call.args[2].type if len(args) > 2 else None
        if not isinstance(t, Scalar) or t.dtype not in FILL_TYPES:
            raise m.error(call.span, f"{call.callee}: the value's type picks the element width; it "
                                     f"must be char, short, int, half, bfloat16_t or float (or "
                                     f"unsigned), not {t.c() if t is not None else 'missing'}")
        d = t.dtype
        value = _value(m, call, args, 2, d)
    if len(args) not in FILL_ARITY.get(call.callee, (3,)):
        raise m.error(call.span, f"{call.callee}: unexpected number of arguments ({len(args)})")
    shape = ("s", "n", "s", "n")[:len(args) - 3] if len(args) > 3 else ()
    geo = [_i32(a) if k == "s" else _u32(a) for k, a in zip(shape, args[3:])]
    for sub, (n, *g) in _groups(m, mask, _u32(args[1]), *geo):
        if n == 0:
            continue
        s0, n1, s1, n2 = (list(g) + [0, 0, 0, 0])[:4]
        if max(n1, n2) > MAX_SEGNUM:
            raise m.error(call.span, f"{call.callee}: segnum must be in [0, {MAX_SEGNUM}]")
        offs = _walk(s0, n1, s1, n2)
        rows = np.broadcast_to(sub[:, None], (m.L, offs.size))

        def put(p, rmask, lanes, segs, n=n):
            v = np.broadcast_to(value[lanes], (lanes.size, n))
            m.memory.store(p[0], d, v if n > 1 else v[:, 0], rmask, n)
        _by_rows(m, call, [dst], [offs], [(n * d.size, d.size)], rows, put)


# ---- §6 element-wise operations ---------------------------------------------------------------

def _flag(b: np.ndarray, like: np.ndarray) -> np.ndarray:
    """Comparison results are 1 / 0 in the operand type (bang.md §6.3)."""
    return b.astype(like.dtype)


def _truth(x):
    return x != 0


def _bitwise(fn):
    def apply(x, y):
        if x.dtype.kind == "f":
            u = np.dtype(f"u{x.dtype.itemsize}")
            return fn(x.view(u), np.ascontiguousarray(y).view(u)).view(x.dtype)
        return fn(x, y)
    return apply


def _divide(x, y):
    if x.dtype.kind == "f":
        return x / y
    if np.any(y == 0):
        raise ZeroDivisionError
    return c_div(x, y)


def _nan_either(x, y):
    return np.isnan(x) | np.isnan(y) if x.dtype.kind == "f" else np.zeros(np.broadcast(x, y).shape, bool)


# op -> fn(x, y) on register-dtype arrays; maxequal/minequal return src0 if either is NaN (§6.1),
# maximum/minimum ignore a NaN (IEEE maxNum) and nan_maximum/nan_minimum propagate it.
BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": _divide,
    "maxequal": lambda x, y: np.where(_nan_either(x, y), x, np.where(x < y, y, x)),
    "minequal": lambda x, y: np.where(_nan_either(x, y), x, np.where(y < x, y, x)),
    "maximum": np.fmax, "minimum": np.fmin, "nan_maximum": np.maximum, "nan_minimum": np.minimum,
    "eq": lambda x, y: _flag(x == y, x), "ne": lambda x, y: _flag(x != y, x),
    "gt": lambda x, y: _flag(x > y, x), "ge": lambda x, y: _flag(x >= y, x),
    "lt": lambda x, y: _flag(x < y, x), "le": lambda x, y: _flag(x <= y, x),
    "and": lambda x, y: _flag(_truth(x) & _truth(y), x), "or": lambda x, y: _flag(_truth(x) | _truth(y), x),
    "xor": lambda x, y: _flag(_truth(x) ^ _truth(y), x),
    "band": _bitwise(np.bitwise_and), "bor": _bitwise(np.bitwise_or), "bxor": _bitwise(np.bitwise_xor),
}
COMPARE = ("eq", "ne", "gt", "ge", "lt", "le")
VECTOR_OPS = ("add", "sub", "mul", "div", "maxequal", "minequal", "maximum", "minimum", "nan_maximum",
              "nan_minimum") + COMPARE + ("and", "or", "xor")
SCALAR_OPS = ("add", "sub", "mul", "div", "maximum", "minimum") + COMPARE
CYCLE_OPS = ("add", "sub", "mul", "maxequal", "minequal") + COMPARE + ("and", "or", "xor", "band", "bor",
                                                                      "bxor")
LEGACY_CONST = {"__bang_add_const": "add", "__bang_sub_const": "sub", "__bang_mul_const": "mul"}
NAMES = {"vector": "__bang_{}", "scalar": "__bang_{}_scalar", "cycle": "__bang_cycle_{}",
         "bitindex": "__bang_{}_bitindex"}


ARITY = {"vector": (4,), "scalar": (4,), "cycle": (5,), "bitindex": (4,)}


def _elementwise(fn, form):
    def impl(m, call, args, mask):
        legacy_div = call.callee == "__bang_div" and len(args) == 5     # (dst, a, b, tmp, n)
        if len(args) not in ARITY[form] and not legacy_div:
            raise m.error(call.span, f"{call.callee} takes {ARITY[form][0]} arguments")
        d = _dtype(m, call, 0)
        dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
        scalar = form == "scalar" or (form == "vector" and not _is_pointer(call, 2))
        n_at = 4 if legacy_div else 3
        counts = (_u32(args[3]), _u32(args[4])) if form == "cycle" else (_u32(args[n_at]),)
        other = _value(m, call, args, 2, d) if scalar else None
        seg_ptr = None if scalar else _ptr(m, call, args, 2)
        for sub, (n, *k) in _groups(m, mask, *counts):
            x = _load(m, call, src, d, sub, n)
            if form == "cycle":
                if k[0] == 0 or n % k[0]:
                    raise m.error(call.span, f"{call.callee}: src_elem_count {n} is not a multiple "
                                             f"of seg_elem_count {k[0]} (bang.md §6.2)")
                y = np.tile(_load(m, call, seg_ptr, d, sub, k[0]), (1, n // k[0]))
            else:
                y = other if scalar else _load(m, call, seg_ptr, d, sub, n)
            y = np.where(sub[:, None], y, np.ones((), y.dtype))       # idle lanes: no false x/0
            try:
                with np.errstate(all="ignore"):
                    r = np.asarray(fn(x, y)).astype(x.dtype, copy=False)
            except ZeroDivisionError:
                raise m.error(call.span, f"{call.callee}: integer division by zero") from None
            if form == "bitindex":
                bits = np.packbits(r[sub] != 0, axis=1, bitorder="little")
                full = np.zeros((m.L, bits.shape[1]), np.uint8)
                full[sub] = bits
                _store(m, call, dst, DType.U8, full, sub, full.shape[1])
            else:
                _store(m, call, dst, d, r, sub, n)
    return impl


for _form, _ops in (("vector", VECTOR_OPS), ("scalar", SCALAR_OPS), ("cycle", CYCLE_OPS),
                    ("bitindex", COMPARE)):
    for _op in _ops:
        semantics(NAMES[_form].format(_op))(_elementwise(BINARY[_op], _form))
for _name, _op in LEGACY_CONST.items():
    semantics(_name)(_elementwise(BINARY[_op], "scalar"))


@semantics("__bang_band", "__bang_bor", "__bang_bxor", "__bang_bnot")
def bytewise(m, call, args, mask):
    """Bitwise operations on bytes; n counts bytes whatever the pointer types (bang.md §6.3)."""
    op = call.callee[len("__bang_"):]
    ptrs = [_ptr(m, call, args, i) for i in range(len(args) - 1)]
    for sub, (n,) in _groups(m, mask, _u32(args[-1])):
        x = _load(m, call, ptrs[1], DType.U8, sub, n)
        r = ~x if op == "bnot" else BINARY[op](x, _load(m, call, ptrs[2], DType.U8, sub, n))
        _store(m, call, ptrs[0], DType.U8, r, sub, n)


_erf = np.vectorize(math.erf, otypes=[np.float64])
# name -> fn(x) on float64 values; results are rounded once to the destination type.
UNARY = {
    "relu": lambda x: np.where(x > 0, x, 0.0), "sign": lambda x: np.where(x >= 0, 1.0, -1.0),
    "abs": np.abs, "exp": np.exp, "recip": lambda x: 1.0 / x, "sqrt": np.sqrt,
    "rsqrt": lambda x: 1.0 / np.sqrt(x), "sigmoid": lambda x: 1.0 / (1.0 + np.exp(-x)),
    "tanh": np.tanh, "sin": np.sin, "cos": np.cos, "ln": np.log, "log2": np.log2, "pow2": np.exp2,
    "square": lambda x: x * x, "not": lambda x: np.where(x == 0, 1.0, 0.0),
    "gelu": lambda x: 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x ** 3))),
    "gelu_erf": lambda x: 0.5 * x * (1.0 + _erf(x * 0.7071067811865476)),
}
# bang.md §6.4: sign(0) = +1; __bang_log is base 2, active_loghp natural (active_log: natural,
# unverified); gelup's form is unverified, the erf form differs from the tanh one by <= 4.8e-4.
UNARY_NAMES = {
    "__bang_active_relu": "relu", "__bang_relu": "relu", "__bang_active_sign": "sign",
    "__bang_active_abs": "abs", "__bang_abs": "abs", "__bang_active_exp": "exp",
    "__bang_active_exphp": "exp", "__bang_active_exp_less_0": "exp", "__bang_active_recip": "recip",
    "__bang_active_reciphp": "recip", "__bang_active_recip_greater_1": "recip", "__bang_recip": "recip",
    "__bang_active_sqrt": "sqrt", "__bang_sqrt": "sqrt", "__bang_active_rsqrt": "rsqrt",
    "__bang_rsqrt": "rsqrt", "__bang_active_sigmoid": "sigmoid", "__bang_sigmoid": "sigmoid",
    "__bang_active_tanh": "tanh", "__bang_active_gelu": "gelu", "__bang_active_gelup": "gelu_erf",
    "__bang_active_sin": "sin", "__bang_active_cos": "cos", "__bang_sin": "sin", "__bang_cos": "cos",
    "__bang_active_loghp": "ln", "__bang_active_log": "ln", "__bang_log": "log2",
    "__bang_pow2": "pow2", "__bang_square": "square", "__bang_not": "not",
}


def _unary(fn):
    def impl(m, call, args, mask):
        d, s = _dtype(m, call, 0), _dtype(m, call, 1)     # differ only for widening __bang_square
        dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
        for sub, (n,) in _groups(m, mask, _u32(args[2])):
            with np.errstate(all="ignore"):
                r = fn(_f64(_load(m, call, src, s, sub, n)))
            _store(m, call, dst, d, _round(r, d), sub, n)
    return impl


for _name, _fn in UNARY_NAMES.items():
    semantics(_name)(_unary(UNARY[_fn]))

# §6.5 conversions __bang_<src>2<dst>[_mode](dst, src, n[, fix_position]); `rd` is read as
# nearest-even (its tie rule is unverified), `rm` is not supported.
CONVERT_TYPES = {"float": F32, "half": F16, "bfloat16": BF16, "int32": DType.I32, "int16": DType.I16,
                 "int8": DType.I8}
CONVERT_PAIRS = (("float", "half"), ("half", "float"), ("float", "bfloat16"), ("bfloat16", "float"),
                 ("half", "bfloat16"), ("bfloat16", "half"), ("float", "int32"), ("int32", "float"),
                 ("float", "int16"), ("int16", "float"), ("float", "int8"), ("int8", "float"),
                 ("half", "int32"), ("int32", "half"), ("half", "int16"), ("int16", "half"),
                 ("half", "int8"), ("int8", "half"), ("int32", "int16"), ("int16", "int32"),
                 ("int16", "int8"), ("int8", "int16"))
CONVERT_MODES = {"": "rn", "_rn": "rn", "_rd": "rn", "_tz": "tz", "_dn": "dn", "_up": "up", "_oz": "oz"}


def _conversion(s: DType, d: DType, mode: str):
    def impl(m, call, args, mask):
        for i, want in ((0, d), (1, s)):
            t = _pointee(call.args[i].type) if _is_pointer(call, i) else None
            if isinstance(t, Scalar) and t.dtype is not want:
                raise m.error(call.span, f"{call.callee}: argument {i + 1} must point to "
                                         f"{want.c_name}, not {t.c()}")
        dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
        pos = _i32(args[3]) if len(args) > 3 else np.zeros((), np.int64)
        for sub, (n, p) in _groups(m, mask, _u32(args[2]), pos):
            v = _f64(_load(m, call, src, s, sub, n))
            scale = (p if s.is_int else 0) - (p if d.is_int else 0)   # int -> float: q * 2^pos
            _store(m, call, dst, d, _round(np.ldexp(v, scale), d, mode), sub, n)
    return impl


for _s, _d in CONVERT_PAIRS:
    for _suffix, _mode in CONVERT_MODES.items():
        semantics(f"__bang_{_s}2{_d}{_suffix}")(_conversion(CONVERT_TYPES[_s], CONVERT_TYPES[_d], _mode))


# ---- §7 reductions, selection, argmax ----------------------------------------------------------

def _float_type(m, call, i) -> DType:
    d = _dtype(m, call, i)
    if not d.is_float:
        raise m.error(call.span, f"{call.callee}: element type must be half, bfloat16_t or float, "
                                 f"not {d.c_name}")
    return d


@semantics("__bang_reduce_sum")
def reduce_sum(m, call, args, mask):
    """dst[j*L] = sum(src[j*L:(j+1)*L]), L = 128 / sizeof(T); the rest of dst is unchanged (3xx)."""
    d = _float_type(m, call, 0)
    dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
    chunk = 128 // d.size
    for sub, (n,) in _groups(m, mask, _u32(args[2])):
        if n % chunk:
            raise m.error(call.span, f"__bang_reduce_sum: elem_count {n} times sizeof(T) is not a "
                                     f"multiple of 128 bytes (bang.md §7)")
        x = _f64(_load(m, call, src, d, sub, n)).reshape(m.L, n // chunk, chunk)
        sums = _round(x.sum(axis=2), d)
        rows = np.broadcast_to(sub[:, None], sums.shape)
        _by_rows(m, call, [dst], [np.arange(n // chunk) * 128], [(d.size, d.size)], rows,
                 lambda p, rmask, lanes, segs: m.memory.store(p[0], d, sums[lanes, segs], rmask))


@semantics("__bang_argmax", "__bang_argmin", "__bang_max", "__bang_min")
def argmax(m, call, args, mask):
    """dst[0] = the extreme (NaN ignored), then the first index as an unsigned of sizeof(T) bytes
    at byte sizeof(T): uint32 at byte 4 for float, uint16 at byte 2 for half (bang.md §7)."""
    d = _float_type(m, call, 0)
    dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
    index_type = DType.U32 if d.size == 4 else DType.U16
    largest = call.callee in ("__bang_argmax", "__bang_max")
    for sub, (n,) in _groups(m, mask, _u32(args[2])):
        if n == 0:
            continue
        x = _load(m, call, src, d, sub, n)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            best = (np.nanmax if largest else np.nanmin)(x, axis=1)
        hit = x == best[:, None]
        index = np.where(hit.any(axis=1), hit.argmax(axis=1), 0)
        value = np.where(hit.any(axis=1), best, x[:, 0])
        _store(m, call, dst, d, value[:, None], sub, 1)
        _store(m, call, dst.add_bytes(d.size), index_type, index[:, None], sub, 1)


@semantics("__bang_count")
def count(m, call, args, mask):
    """Number of nonzero elements: returned, or written to dst in the 2018 (dst, src, n) form."""
    at = len(args) - 2
    d = _dtype(m, call, at)
    src = _ptr(m, call, args, at)
    out = np.zeros(m.L, np.uint32)
    for sub, (n,) in _groups(m, mask, _u32(args[-1])):
        out[sub] = (_load(m, call, src, d, sub, n) != 0).sum(axis=1)[sub]
    if at == 1:
        _store(m, call, _ptr(m, call, args, 0), DType.U32, out[:, None], mask, 1)
        return None
    return out


def _compact(x: np.ndarray, keep: np.ndarray):
    order = np.argsort(~keep, axis=1, kind="stable")
    return np.take_along_axis(x, order, axis=1), keep.sum(axis=1)


@semantics("__bang_filter", "__bang_collect", "__bang_select", "__bang_filter_bitindex")
def filter_(m, call, args, mask):
    """Compaction of src[i] where mask[i] != 0 (or mask bit i): dst[0:k], k returned by filter;
    __bang_select writes k as uint32 at byte 0, zeros to byte 128 and the values from there."""
    d = _dtype(m, call, 0)
    dst, src, sel = (_ptr(m, call, args, i) for i in range(3))
    k_all = np.zeros(m.L, np.uint32)
    for sub, (n,) in _groups(m, mask, _u32(args[3])):
        x = _load(m, call, src, d, sub, n)
        if call.callee == "__bang_filter_bitindex":
            raw = _load(m, call, sel, DType.U8, sub, -(-n // 8))
            keep = np.unpackbits(raw, axis=1, bitorder="little")[:, :n].astype(bool)
        else:
            keep = _load(m, call, sel, d, sub, n) != 0
        kept, k = _compact(x, keep)
        k_all[sub] = k[sub]
        out = dst
        if call.callee == "__bang_select":
            _store(m, call, dst, DType.U32, k[:, None], sub, 1)
            _store(m, call, dst.add_bytes(4), DType.U8, np.zeros((m.L, 124), np.uint8), sub, 124)
            out = dst.add_bytes(128)
        for part, (kk,) in _groups(m, sub, k):
            _store(m, call, out, d, kept[:, :kk], part, kk)
    return k_all if call.callee in ("__bang_filter", "__bang_filter_bitindex") else None


@semantics("__bang_maskmove")
def maskmove(m, call, args, mask):
    """Byte i of dst = byte i of src where bit i of mask is set; size in bytes (bang.md §7)."""
    dst, src, sel = (_ptr(m, call, args, i) for i in range(3))
    for sub, (size,) in _groups(m, mask, _u32(args[3])):
        x = _load(m, call, src, DType.U8, sub, size)
        bits = np.unpackbits(_load(m, call, sel, DType.U8, sub, -(-size // 8)), axis=1,
                             bitorder="little")[:, :size].astype(bool)
        _by_rows(m, call, [dst], [np.arange(size)], [(1, 1)], bits & sub[:, None],
                 lambda p, rmask, lanes, segs: m.memory.store(p[0], DType.U8, x[lanes, segs], rmask))


# ---- §8 pooling and layout ---------------------------------------------------------------------

def _windows(m, call, x, kh, kw, sh, sw, dh=1, dw=1):
    """(L, H, W, C) -> (L, Ho, Wo, C, kh, kw) windows; leftover rows and columns are dropped."""
    span_h, span_w = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if min(kh, kw, sh, sw, dh, dw) < 1 or span_h > x.shape[1] or span_w > x.shape[2]:
        raise m.error(call.span, f"{call.callee}: a {kh}x{kw} window with strides ({sw}, {sh}) does "
                                 f"not fit a {x.shape[1]}x{x.shape[2]} input")
    win = sliding_window_view(x, (span_h, span_w), axis=(1, 2))
    return win[:, ::sh, ::sw, :, ::dh, ::dw]


POOLS = {"__bang_sumpool": "sum", "__bang_avgpool": "avg", "__bang_maxpool": "max",
         "__bang_minpool": "min"}


@semantics(*POOLS)
def pool(m, call, args, mask):
    """(dst, src, channel, height, width, kh, kw[, stride_w, stride_h[, in_dh, in_dw, out_dh,
    out_dw]]) over HWC; the 7-argument form strides by the kernel size (bang.md §8)."""
    d = _float_type(m, call, 0)
    dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
    if len(args) not in (7, 9, 13):
        raise m.error(call.span, f"{call.callee} takes 7, 9 or 13 arguments")
    dims = [_u32(a) for a in args[2:]]
    if len(dims) == 5:
        dims += [dims[4], dims[3]]
    if len(dims) == 11 and (np.any(dims[9] != 1) or np.any(dims[10] != 1)):
        raise m.error(call.span, f"not supported: {call.callee} with output dilation other than 1")
    dims = dims[:9] if len(dims) == 11 else dims + [np.int64(1), np.int64(1)]
    kind = POOLS[call.callee]
    for sub, (c, h, w, kh, kw, sw, sh, dh, dw) in _groups(m, mask, *dims):
        x = _load(m, call, src, d, sub, h * w * c).reshape(m.L, h, w, c)
        win = _windows(m, call, x, kh, kw, sh, sw, dh, dw)
        if kind in ("max", "min"):
            r = (win.max if kind == "max" else win.min)(axis=(4, 5))
        else:
            r = _round(_f64(win).sum(axis=(4, 5)) / (kh * kw if kind == "avg" else 1), d)
        _store(m, call, dst, d, r.reshape(m.L, -1), sub, r[0].size)


def _layout(m, call, args, mask, count, reorder):
    d = _dtype(m, call, 0)
    dst, src = _ptr(m, call, args, 0), _ptr(m, call, args, 1)
    for sub, dims in _groups(m, mask, *[_u32(a) for a in args[2:]]):
        n = math.prod(dims[:count])
        x = _load(m, call, src, d, sub, n)
        _store(m, call, dst, d, reorder(x, *dims).reshape(m.L, n), sub, n)


@semantics("__bang_transpose")
def transpose(m, call, args, mask):
    """dst[w*height + h] = src[h*width + w] (bang.md §8)."""
    _layout(m, call, args, mask, 2, lambda x, h, w: x.reshape(-1, h, w).transpose(0, 2, 1))


@semantics("__bang_reshape_nhwc2nchw")
def reshape_nhwc2nchw(m, call, args, mask):
    _layout(m, call, args, mask, 4,
            lambda x, n, h, w, c: x.reshape(-1, n, h * w, c).transpose(0, 1, 3, 2))


@semantics("__bang_reshape_filter")
def reshape_filter(m, call, args, mask):
    """WRAM holds the logical layout in the interpreter, so reshaping a filter is a copy (§9)."""
    _layout(m, call, args, mask, 4, lambda x, *dims: x)


# ---- §9 mlp, matmul, conv ----------------------------------------------------------------------

def _tensor_args(m, call, args, n_dims):
    """Split (dst, src, weights, [bias,] dims..., [fix_position], [extra...]) by the static types;
    __bang_mlp puts its bias before the filter. Fixed-point forms (integer operands) take
    fix_position; floating forms do not (bang.md §9)."""
    n_ptr = 4 if len(args) > 3 and _is_pointer(call, 3) else 3
    w_at, b_at = (n_ptr - 1, 2) if call.callee == "__bang_mlp" else (2, 3)
    tout, tin = _dtype(m, call, 0), _dtype(m, call, 1)
    tw = _dtype(m, call, w_at)
    if tin.is_float != tw.is_float:
        raise m.error(call.span, f"{call.callee}: mixes floating and fixed-point operands")
    if tin.is_float and tout is not F32:
        raise m.error(call.span, f"not supported: {call.callee} with floating operands writes float; "
                                 f"no documented overload has a {tout.c_name} destination (bang.md §9.2)")
    if n_ptr == 4 and _dtype(m, call, b_at) is not tout:
        raise m.error(call.span, f"{call.callee}: the bias must have the destination's type")
    rest = args[n_ptr:]
    if len(rest) < n_dims:
        raise m.error(call.span, f"{call.callee}: too few arguments")
    fixed = not tin.is_float and len(rest) > n_dims
    fix = _i32(rest[n_dims]) if fixed else np.zeros((), np.int64)
    extra = [_u32(a) for a in rest[n_dims + fixed:]]
    ptrs = [_ptr(m, call, args, 0), _ptr(m, call, args, 1),
            _ptr(m, call, args, w_at, SPACES["WRAM"])]
    bias = _ptr(m, call, args, b_at) if n_ptr == 4 else None
    return (tout, tin, tw), ptrs, bias, [_u32(a) for a in rest[:n_dims]], fix, extra


def _finish(m, call, acc, fix, bias, tout, sub, bias_shape):
    """acc (float64) * 2^fix (+ bias, broadcast from `bias_shape`), rounded to the output type."""
    v = np.ldexp(acc, fix)
    if bias is not None:
        b = _load(m, call, bias, tout, sub, math.prod(bias_shape))
        v = v + _f64(b).reshape((m.L,) + bias_shape)
    return _round(v, tout).reshape(m.L, -1)


def _dot(a, b, spec, tin):
    if tin.is_float:
        return np.einsum(spec, _f64(a), _f64(b))
    return np.einsum(spec, a.astype(np.int64), b.astype(np.int64)).astype(np.float64)


@semantics("__bang_matmul", "__bang_mlp")
def matmul(m, call, args, mask):
    """matmul: dst[m*N+n] = sum_k src0[m*K+k] * src1[n*K+k] (src1 = K x N column-major in WRAM);
    mlp(dst, src, [bias,] filter, height, width) is matmul with M = 1, K = width, N = height."""
    mlp = call.callee == "__bang_mlp"
    (tout, tin, tw), (dst, a_ptr, b_ptr), bias, dims, fix, extra = \
        _tensor_args(m, call, args, 2 if mlp else 3)
    if extra:
        raise m.error(call.span, f"{call.callee}: too many arguments")
    dims = [np.ones((), np.int64), dims[1], dims[0]] if mlp else dims
    for sub, (M, K, N, p) in _groups(m, mask, *dims, fix):
        a = _load(m, call, a_ptr, tin, sub, M * K).reshape(m.L, M, K)
        b = _load(m, call, b_ptr, tw, sub, N * K).reshape(m.L, N, K)
        out = _finish(m, call, _dot(a, b, "lmk,lnk->lmn", tin), p, bias, tout, sub, (M, N))
        _store(m, call, dst, tout, out, sub, M * N)


@semantics("__bang_conv")
def conv(m, call, args, mask):
    """(dst, src, kernel, [bias,] ci, h, w, kh, kw, stride_w, stride_h, co[, fix_position]
    [, indilation_w, indilation_h[, outdilation_w, outdilation_h]]); src [h][w][ci], kernel
    [co][kh][kw][ci], dst [Ho][Wo][co] (bang.md §9.3)."""
    (tout, tin, tw), (dst, x_ptr, k_ptr), bias, dims, fix, extra = _tensor_args(m, call, args, 8)
    if len(extra) not in (0, 2, 4):
        raise m.error(call.span, f"{call.callee}: unexpected number of arguments")
    if len(extra) == 4 and (np.any(extra[2] != 1) or np.any(extra[3] != 1)):
        raise m.error(call.span, "not supported: __bang_conv with output dilation other than 1 "
                                 "(its semantics are unverified, bang.md §9.3)")
    dil = extra[:2] if extra else [np.ones((), np.int64)] * 2
    for sub, (ci, h, w, kh, kw, sw, sh, co, p, dw, dh) in _groups(m, mask, *dims, fix, *dil):
        x = _load(m, call, x_ptr, tin, sub, h * w * ci).reshape(m.L, h, w, ci)
        k = _load(m, call, k_ptr, tw, sub, co * kh * kw * ci).reshape(m.L, co, kh, kw, ci)
        win = _windows(m, call, x, kh, kw, sh, sw, dh, dw)
        out = _finish(m, call, _dot(win, k, "lhwcij,loijc->lhwo", tin), p, bias, tout, sub,
                      (1, 1, co))
        _store(m, call, dst, tout, out, sub, out.shape[1])


# ---- §10 atomics -------------------------------------------------------------------------------

ATOMIC = {"add": BINARY["add"], "max": BINARY["maxequal"], "min": BINARY["minequal"],
          "and": BINARY["band"], "or": BINARY["bor"], "xor": BINARY["bxor"], "exch": lambda x, v: v}


def _serialise(addrs, operands, current, update, d):
    """Apply the updates in order (lane-major): -> (old value per update, addresses, final values)."""
    order = np.argsort(addrs, kind="stable")
    sorted_addrs = addrs[order]
    start = np.r_[0, np.flatnonzero(sorted_addrs[1:] != sorted_addrs[:-1]) + 1]
    group = np.repeat(np.arange(start.size), np.diff(np.r_[start, sorted_addrs.size]))
    rank = np.arange(sorted_addrs.size) - start[group]
    value = current[order][start].copy()
    olds = np.empty_like(current)
    for r in range(int(rank.max()) + 1):
        sel = rank == r
        g = group[sel]
        olds[order[sel]] = value[g]
        with np.errstate(all="ignore"):
            new = np.asarray(update(value[g], operands[order[sel]]))
        value[g] = _round(new, d) if d is BF16 else new.astype(value.dtype)
    return olds, sorted_addrs[start], value


def _atomic(op, reduce):
    update = ATOMIC[op]

    def impl(m, call, args, mask):
        mem_at = 0 if reduce else 1
        d = _dtype(m, call, mem_at)
        if d.is_float and op in ("and", "or", "xor"):
            raise m.error(call.span, f"{call.callee}: bitwise atomics need an integer type")
        mem = _ptr(m, call, args, mem_at, SPACES["GDRAM"] | SPACES["SRAM"])
        vector = _is_pointer(call, mem_at + 1)
        operand = _ptr(m, call, args, mem_at + 1) if vector else _value(m, call, args, mem_at + 1, d)
        size = _u32(args[mem_at + 2]) if len(args) > mem_at + 2 else np.ones((), np.int64)
        old = None if reduce or not isinstance(args[0], Ptr) or args[0].buffer is None \
            else _ptr(m, call, args, 0)
        racing, m.memory.check_races = m.memory.check_races, False      # atomics never race
        try:
            for sub, (n,) in _groups(m, mask, size):
                _atomic_group(m, call, update, d, mem, operand, vector, old, sub, n)
        finally:
            m.memory.check_races = racing
    return impl


def _atomic_group(m, call, update, d, mem, operand, vector, old, sub, n):
    """One call by the lanes of `sub`, `n` elements each, serialised in lane order."""
    current = _load(m, call, mem, d, sub, n)                  # checks bounds, names the task
    v = _load(m, call, operand, d, sub, n) if vector else np.broadcast_to(operand, (m.L, n))
    lanes = np.flatnonzero(sub)
    base = np.broadcast_to(mem.offsets, (m.L,))[lanes]
    addrs = (base[:, None] + np.arange(n) * d.size).reshape(-1)
    olds, where, final = _serialise(addrs, v[lanes].reshape(-1), current[lanes].reshape(-1), update, d)
    m.memory.store(Ptr(mem.buffer, where, d.size), d, final, np.ones(where.size, bool))
    if old is not None:
        full = np.zeros((m.L, n), current.dtype)
        full[lanes] = olds.reshape(lanes.size, n)
        _store(m, call, old, d, full, sub, n)


for _op in ATOMIC:
    semantics(f"__bang_atomic_{_op}")(_atomic(_op, reduce=False))
    semantics(f"__bang_atomic_reduce_{_op}")(_atomic(_op, reduce=True))


# ---- §11 CNRT host calls not in runtime.py -----------------------------------------------------

def _set_out(m, call, target, value, d: DType) -> None:
    """Write a result through an output pointer (`&x` of a host variable, or memory)."""
    if isinstance(target, VarRef):
        target.frame[target.name] = np.asarray(value, register_dtype(d))
    elif isinstance(target, Ptr):
        m.memory.store(target, d, np.asarray(value, register_dtype(d)), np.ones(1, bool))


@semantics("cnrtMemcpyAsync")
def cnrt_memcpy_async(m, call, args, mask):
    """(dst, src, bytes, queue, dir): performed at once; the queue orders nothing further."""
    return _copy(m, call, args[0], args[1], int(np.asarray(args[2]).reshape(-1)[0]))


@semantics("cnrtGetDevice")
def cnrt_get_device(m, call, args, mask):
    _set_out(m, call, args[0], 0, DType.I32)
    return SUCCESS


@semantics("cnrtNotifierCreate", "cnrtCreateNotifier")
def cnrt_notifier_create(m, call, args, mask):
    _set_out(m, call, args[0], 1, DType.I64)
    return SUCCESS


@semantics("cnrtNotifierDestroy", "cnrtDestroyNotifier", "cnrtPlaceNotifier", "cnrtSyncDevice",
           "cnrtWaitNotifier")
def cnrt_no_op(m, call, args, mask):
    return SUCCESS


@semantics("cnrtNotifierDuration", "cnrtNotifierElapsedTime")
def cnrt_notifier_duration(m, call, args, mask):
    """The interpreter keeps no device time: the duration reads 0."""
    _set_out(m, call, args[2], 0.0, F32)
    return SUCCESS
