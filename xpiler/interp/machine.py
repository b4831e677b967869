"""The lock-step evaluator: runs IR statements for L lanes at once, with masks for divergence.

A lane is a CUDA/HIP thread, a BANG task, or (L = 1) the single thread of host code and vnni
functions. Control flow keeps a boolean mask of active lanes; loops run until no lane wants
another iteration; `break`/`continue`/`return` retire lanes from the mask. Loads and stores
touch active lanes only, so guards like `if (i < n)` behave as on hardware.
"""
from __future__ import annotations

import operator
import time

import numpy as np

from xpiler import ir
from xpiler.diagnostics import Span, XpilerError
from xpiler.irutil import walk as ir_walk
from xpiler.types import (Array, DType, Fragment, Opaque, Pointer, Reference, Scalar, Space, StdVector,
                          Stream, Struct, Type, Unknown, VecKind, Vector, Void, common, promote,
                          select_overload, sizeof)

from . import cxx, intrinsics
from .intrinsics.stdio import stream_output
from .memory import Buffer, Memory, MemoryFault, Ptr, find_races, register_dtype
from .values import (FragmentValue, VarRef, c_div, c_mod, c_string, convert, np_dtype, select,
                     vector_width)

MAX_LOOP_ITERATIONS = 50_000_000
PARALLEL_LANES = 1 << 20       # lanes a parallel loop may occupy at once


# `#pragma omp atomic` `x op= v`: the update of every lane that names one element, in lane order
ATOMIC_UFUNCS = {"+": np.add, "-": np.add, "*": np.multiply, "&": np.bitwise_and, "|": np.bitwise_or,
                 "^": np.bitwise_xor}


class Frame:
    __slots__ = ("scopes", "returned", "ret", "function", "static", "any_returned")

    def __init__(self, function: ir.Function | None, lanes: int):
        self.scopes: list[dict] = [{}]
        self.returned = np.zeros(lanes, bool)
        self.any_returned = False              # some lane may be set in `returned` (may be stale-true)
        self.ret = None
        self.function = function
        self.static: dict = {}


class Cell:
    """A scalar or vector variable that lives in memory (`__shared__ float s;`, `__nram__ int n;`)."""
    __slots__ = ("ptr", "type")

    def __init__(self, ptr: Ptr, t: Type):
        self.ptr = ptr
        self.type = t


MEMORY_SPACES = (Space.SHARED, Space.SRAM, Space.NRAM, Space.WRAM, Space.LDRAM, Space.CONSTANT)
PER_GROUP_SPACES = (Space.SHARED, Space.SRAM, Space.NRAM, Space.WRAM, Space.LDRAM)   # per block/task


class Loop:
    __slots__ = ("stop", "broke", "stopped", "any_broke")

    def __init__(self, lanes: int):
        self.stop = np.zeros(lanes, bool)      # lanes that did break or continue this iteration
        self.broke = np.zeros(lanes, bool)
        self.stopped = False                   # some lane is set in `stop` (may be stale-true)
        self.any_broke = False                 # some lane is set in `broke` (may be stale-true)


class TooSlow(XpilerError):
    """A run stopped at its deadline (`Interpreter.deadline`): what a caller that only wants
    affordable runs (the differential test's probes of large sizes) treats as 'not here'."""


class Machine:
    """Executes IR for `lanes` lanes of one platform over a shared `Memory`."""

    def __init__(self, module: ir.Module, memory: Memory, lanes: int, builtins: dict | None = None,
                 groups: dict | None = None, runtime=None):
        self.module = module
        self.platform = module.platform
        self.memory = memory
        self.L = lanes
        self.builtins = builtins or {}
        # lane groupings: "block" (per-block index), "warp" (warp index), "lane" (lane in warp),
        # "cluster" (BANG cluster) — arrays of shape (L,)
        self.groups = groups or {}
        self.runtime = runtime          # the Interpreter (launches, options, report)
        self.frames: list[Frame] = []
        self.loops: list[Loop | None] = []
        self.shared_cache: dict = {}
        self._globals: dict | None = None
        self.collapsed: set[int] = set()          # loops inside an `omp ... collapse(k)` nest
        # expressions compiled to closures (shared by every machine of one interpreter run)
        cache = getattr(runtime, "compiled", None)
        self.compiled: dict = cache if isinstance(cache, dict) else {}
        self._count_mask = None                   # count(): the last mask counted and its popcount
        self._count_n = 0
        self._uniform_masks = None                # uniform_truth(): all-false and all-true masks
        # time.perf_counter() value past which loops stop with TooSlow (the Interpreter's option)
        self.deadline = getattr(runtime, "deadline", None)

    # ---- errors -------------------------------------------------------------------------------
    def where(self, lane: int | None) -> str:
        """Which thread or task `lane` is; empty when the access was not made per lane (a
        collective such as a wmma load reports the element it was at, not a lane)."""
        if lane is None or not 0 <= lane < self.L:
            return ""
        if self.platform in (ir.Platform.CUDA, ir.Platform.HIP) and "threadIdx.x" in self.builtins:
            t = [int(np.broadcast_to(self.builtins[f"threadIdx.{c}"], (self.L,))[lane]) for c in "xyz"]
            b = [int(np.broadcast_to(self.builtins[f"blockIdx.{c}"], (self.L,))[lane]) for c in "xyz"]
            return f" (block ({b[0]}, {b[1]}, {b[2]}), thread ({t[0]}, {t[1]}, {t[2]}))"
        if "taskId" in self.builtins:
            return f" (task {int(np.broadcast_to(self.builtins['taskId'], (self.L,))[lane])})"
        return ""

    def fault(self, span: Span | None, e: MemoryFault) -> XpilerError:
        return XpilerError(span, e.message + self.where(e.lane))

    def error(self, span: Span | None, message: str, lane: int | None = None) -> XpilerError:
        return XpilerError(span, message + self.where(lane))

    # ---- variables ----------------------------------------------------------------------------
    @property
    def frame(self) -> Frame:
        return self.frames[-1]

    def lookup(self, name: str, span=None):
        for scope in reversed(self.frame.scopes):
            if name in scope:
                return scope[name]
        for scope in self.frames[0].scopes[:1]:
            if name in scope:
                return scope[name]
        scope = self.global_scope()
        if name in scope:
            return scope[name]
        raise self.error(span, f"internal: variable '{name}' has no value")

    def global_scope(self) -> dict:
        """File-scope variables (`__nram__` buffers, `__device__`/`__constant__` data), created on
        first use for this machine's lanes (per task for NRAM, shared for global memory).
        Without per-block or per-task variables they are one object per run (C globals, a
        `__constant__` array the host fills with cudaMemcpyToSymbol): made once, in a one-lane
        machine, and shared by every machine of the run (host, launches, parallel loops)."""
        if self._globals is not None:
            return self._globals
        per_run = self.runtime is not None and not any(g.space in PER_GROUP_SPACES for g in self.module.globals)
        if self._globals is None and per_run:
            if getattr(self.runtime, "file_scope", None) is None and self.L > 1:
                Machine(self.module, self.memory, 1, runtime=self.runtime).global_scope()
            if getattr(self.runtime, "file_scope", None) is not None:
                self._globals = self.runtime.file_scope
                return self._globals
        if self._globals is None:
            self._globals = {}
            if self.module.globals:
                frame = Frame(None, self.L)
                self.frames.append(frame)
                try:
                    ones = np.ones(self.L, bool)
                    for d in self.module.globals:
                        if d.name in ("", None) or "extern" in d.storage:
                            continue
                        self.s_Decl(d, ones)
                finally:
                    self.frames.pop()
                self._globals = frame.scopes[-1]
            if per_run:
                self.runtime.file_scope = self._globals
        return self._globals

    def assign_var(self, name: str, value, mask: np.ndarray, t: Type) -> None:
        for scope in reversed(self.frame.scopes):
            if name in scope:
                old = scope[name]
                break
        else:
            scope = self.global_scope()
            if name not in scope:
                raise XpilerError(None, f"internal: assignment to unknown variable '{name}'")
            old = scope[name]
        if isinstance(t, (Scalar, Vector)) and isinstance(value, np.ndarray):
            if mask.all():
                new = np.broadcast_to(value, _shape(old, value)).copy() if value.shape != np.shape(old) else value
            else:
                if np.ndim(old) < np.ndim(value) or (np.ndim(old) == np.ndim(value) and np.shape(old) != np.shape(value)
                                                     and np.shape(old)[0] == 1 if np.ndim(old) else False):
                    old = np.broadcast_to(old, _shape(old, value, self.L, vector=isinstance(t, Vector)))
                if np.ndim(old) == 0 or (isinstance(t, Vector) and np.shape(old)[0] == 1):
                    old = np.broadcast_to(old, (self.L,) + np.shape(old)[1:] if isinstance(t, Vector)
                                          else (self.L,))
                new = select(mask, value, old, vector=isinstance(t, Vector))
            scope[name] = new
        elif isinstance(value, Ptr) and isinstance(old, Ptr) and not mask.all():
            if old.buffer is not value.buffer and old.buffer is not None:
                raise self.error(None, "not supported: a pointer that points into different buffers "
                                       "in different threads")
            scope[name] = Ptr(value.buffer, select(mask, value.offsets, np.broadcast_to(old.offsets, mask.shape)),
                              value.elem_size)
        else:
            scope[name] = value

    # ---- statements ---------------------------------------------------------------------------
    def live(self, mask: np.ndarray) -> np.ndarray:
        """`mask` less the lanes that returned or stopped this loop iteration (the same object
        when no lane did: masks are never changed in place)."""
        frame = self.frames[-1]
        m = mask & ~frame.returned if frame.any_returned and frame.returned.any() else mask
        loop = self.loops[-1] if self.loops else None
        if loop is not None and loop.stopped:
            m = m & ~loop.stop
        return m

    def run_block(self, stmts, mask: np.ndarray) -> None:
        pending = None
        checked = None                    # the last mask seen to have an active lane
        for s in stmts:
            m = self.live(mask)
            if m is not checked:
                if not m.any():
                    return
                checked = m
            if isinstance(s, ir.PragmaStmt) and s.text in ("omp atomic", "omp critical"):
                pending = s.text
                continue
            if pending == "omp atomic" and isinstance(s, ir.Assign):
                self.atomic_assign(s, m)
            elif pending is not None and self.L > 1:
                for lane in np.flatnonzero(m):          # a critical section: one lane at a time
                    single = np.zeros(self.L, bool)
                    single[lane] = True
                    self.exec(s, single)
            else:
                self.exec(s, m)
            pending = None

    def atomic_assign(self, s: ir.Assign, m) -> None:
        """`#pragma omp atomic` `*p op= v`: every lane's update applied (lane order)."""
        if s.op not in ATOMIC_UFUNCS or self.L == 1 or (s.op in "&|^" and s.target.type.dtype.is_float):
            return self.exec(s, m)
        ptr = self.address(s.target, m)
        t = s.target.type
        value = convert(np.broadcast_to(self.eval(s.value, m), (self.L,)), _dtype(s.value.type), t.dtype)
        lanes = np.flatnonzero(m)
        offs = np.broadcast_to(ptr.offsets, (self.L,))[lanes]
        uniq, inverse = np.unique(offs, return_inverse=True)
        try:
            current = self.memory.load(Ptr(ptr.buffer, uniq, t.dtype.size), t.dtype, np.ones(uniq.size, bool))
            total = current.astype(np.float64 if t.dtype.is_float else np.int64)
            delta = value[lanes].astype(total.dtype)
            ATOMIC_UFUNCS[s.op].at(total, inverse, delta if s.op != "-" else -delta)
            self.memory.store(Ptr(ptr.buffer, uniq, t.dtype.size), t.dtype, convert(total, None, t.dtype),
                              np.ones(uniq.size, bool))
        except MemoryFault as e:
            raise self.fault(s.span, e) from None

    def exec(self, s: ir.Stmt, m: np.ndarray) -> None:
        f = self.compiled.get(id(s))
        if f is None:
            f = compile_stmt(self.compiled, s)
        f(self, m)

    def s_Block(self, s: ir.Block, m) -> None:
        self.frame.scopes.append({})
        try:
            self.run_block(s.stmts, m)
        finally:
            self.frame.scopes.pop()

    def s_PragmaStmt(self, s, m) -> None:
        pass

    def s_ExprStmt(self, s: ir.ExprStmt, m) -> None:
        self.eval(s.expr, m)

    def s_Decl(self, s: ir.Decl, m) -> None:
        t = s.type
        scope = self.frame.scopes[-1]
        if isinstance(t, (Struct, Reference, StdVector)):
            return cxx.declare(self, s, m)
        if isinstance(t, Array):
            scope[s.name] = self.allocate(s, m)
            return
        if s.space in MEMORY_SPACES and isinstance(t, (Scalar, Vector)):
            cell_decl = ir.Decl(s.name, Array(t, 1, s.space), None, None, s.storage, s.space, s.span)
            ptr = self.allocate(cell_decl, m, key=id(s))
            scope[s.name] = Cell(ptr, t)
            if s.init is not None:
                self.store(ir.Var(s.name, t), self.initial(t, s.init, m), t, m, s.span)
            return
        if isinstance(t, Fragment):
            rows, cols = t.shape
            scope[s.name] = FragmentValue(np.zeros((self.groups.get("warps", 1), rows, cols),
                                                   np.float64 if t.of.is_float else np.int64))
            return
        if s.ctor_args is not None:
            value = self.construct(t, s.ctor_args, m, s.span)
        elif s.init is not None:
            value = self.initial(t, s.init, m)
        elif isinstance(t, Pointer):
            value = Ptr(None, np.zeros((), np.int64), 1)
        elif isinstance(t, (Scalar, Vector)):
            width = (vector_width(t),) if isinstance(t, Vector) else ()
            value = np.zeros((1,) + width if width else (), np_dtype(t))
        else:
            value = None
        if s.name in scope and isinstance(value, np.ndarray) and not m.all():
            self.assign_var(s.name, value, m, t)
        else:
            scope[s.name] = value

    def initial(self, t: Type, init: ir.Expr, m):
        if isinstance(init, ir.InitList):
            if isinstance(t, Vector):
                # dim3's constructor defaults a missing extent to 1; aggregates zero the rest
                out = np.full((1, t.lanes), 1 if t.name == "dim3" else 0, register_np(t.of))
                for i, item in enumerate(init.items[:t.lanes]):
                    v = self.eval(item, m)
                    out = np.broadcast_to(out, np.broadcast_shapes(out.shape, (np.size(v) if np.ndim(v) else 1, t.lanes))).copy()
                    out[:, i] = convert(v, _dtype(item.type), t.of)
                if t.kind is VecKind.SIMD:                 # registers are held as raw bytes
                    out = np.ascontiguousarray(out.astype(t.of.np)).view(np.uint8)
                return out
            if isinstance(t, Scalar) and init.items:
                return convert(self.eval(init.items[0], m), _dtype(init.items[0].type), t.dtype)
            raise self.error(init.span, f"not supported: initializer list for {t.c()}")
        value = self.eval(init, m)
        return self.coerce(value, init.type, t, init.span)

    def coerce(self, value, src: Type, dst: Type, span=None):
        """Convert a value on assignment/initialisation from `src` to `dst` (C's rules)."""
        if isinstance(value, np.generic):
            value = np.asarray(value)
        if isinstance(dst, Scalar):
            if isinstance(value, np.ndarray):
                return convert(value, _dtype(src), dst.dtype)
            raise self.error(span, f"cannot convert a {src.c()} to {dst.c()}")
        if isinstance(dst, Vector) and isinstance(value, np.ndarray):
            if isinstance(src, Scalar):                                 # broadcast scalar to vector
                v = convert(value, src.dtype, dst.of)
                return np.repeat(np.atleast_1d(v)[:, None], dst.lanes, axis=1)
            return value
        return value

    def construct(self, t: Type, args, m, span):
        if isinstance(t, Vector) and t.kind is VecKind.STRUCT:
            if len(args) == 1 and isinstance(args[0].type, Vector) and args[0].type.lanes == t.lanes:
                # a copy (`dim3(block)` with a dim3 `block`): every component, converted
                return convert(np.asarray(self.eval(args[0], m)), args[0].type.of, t.of)
            vals = [convert(self.eval(a, m), _dtype(a.type), t.of) for a in args]
            default = 1 if t.name in ("dim3", "cnrtDim3_t") else 0
            vals += [np.asarray(default, np_dtype(t))] * (t.lanes - len(vals))
            return np.stack(np.broadcast_arrays(*vals), axis=-1).reshape(-1, t.lanes)
        if isinstance(t, Scalar) and len(args) == 1:
            return convert(self.eval(args[0], m), _dtype(args[0].type), t.dtype)
        raise self.error(span, f"not supported: constructor of {t.c()}")

    def allocate(self, s: ir.Decl, m, key=None) -> Ptr:
        """Storage for an array declaration, in its memory space (one copy per lane/block/cluster)."""
        t = s.type
        size = _sizeof(t)
        if size is None:
            if s.space is Space.SHARED and self.runtime is not None:
                size = self.runtime.dynamic_shared_bytes
            else:
                raise self.error(s.span, f"array '{s.name}' has no size")
        elem = _elem_size(t.of)
        key = (key or id(s), id(self.frame))
        if s.space is Space.SHARED:
            group, count = self.groups.get("block"), self.groups.get("blocks", 1)
        elif s.space is Space.SRAM:
            group, count = self.groups.get("cluster"), self.groups.get("clusters", 1)
        elif s.space in (Space.LOCAL, Space.NRAM, Space.WRAM, Space.LDRAM, Space.GENERIC):
            group, count = (np.arange(self.L), self.L) if self.L > 1 else (None, 1)
        else:
            group, count = None, 1
        cached = self.shared_cache.get(key)
        if cached is None:
            buf = Buffer.zeros(s.name, s.space, size * count)
            buf.lane_stride = size if count > 1 else 0
            if self.memory.check_races and s.space in (Space.SHARED, Space.SRAM):
                buf.log = []
            offsets = (group.astype(np.int64) * size) if group is not None else np.zeros((), np.int64)
            cached = Ptr(buf, offsets, elem)
            self.shared_cache[key] = cached
            if self.runtime is not None:
                self.runtime.buffers_in_flight.append(buf)
        if s.init is not None:
            self.init_array(cached, t, s.init, m)
        return cached

    def init_array(self, ptr: Ptr, t: Array, init: ir.Expr, m) -> None:
        if _has_struct(t):
            return cxx.init(self, ptr, t, init, m)
        flat: list[ir.Expr] = []

        def walk(e, tt):
            if isinstance(e, ir.InitList) and isinstance(tt, Array):
                n_inner = _count(tt.of)
                for item in e.items:
                    start = len(flat)
                    walk(item, tt.of)
                    flat.extend([None] * (n_inner - (len(flat) - start)))
            else:
                flat.append(e)
        walk(init, t)
        base = _base_scalar(t)
        total = _count(t)
        values = np.zeros((self.L, total), np_dtype(Scalar(base)))     # items may differ per lane
        for i, e in enumerate(flat[:total]):
            if e is not None:
                v = np.asarray(convert(self.eval(e, m), _dtype(e.type), base))
                values[:, i] = v if v.ndim == 0 or v.size == 1 else v.reshape(self.L)
        self.memory.store(ptr, base, values, m, count=total)

    def s_Assign(self, s: ir.Assign, m) -> None:
        target = s.target
        if isinstance(target.type, Struct):
            return cxx.assign(self, target, s.value, m, s.span)
        if isinstance(s.value, ir.InitList) and s.op is None:      # C++ `v = {a, b}`: v = T{a, b}
            return self.store(target, self.initial(target.type, s.value, m), target.type, m, s.span)
        value = self.eval(s.value, m)
        vtype = s.value.type
        if s.op is not None:
            current = self.eval(target, m)
            value, vtype = self.arith(s.op, current, target.type, value, vtype, s.span, m)
        self.store(target, value, vtype, m, s.span)

    def store(self, target: ir.Expr, value, vtype: Type, m, span) -> None:
        t = target.type
        if isinstance(target, ir.Var) and isinstance(self.lookup(target.name), Cell):
            ptr = self.lookup(target.name).ptr
            return self.store_at(ptr, t, value, vtype, m, span)
        if isinstance(target, ir.Var):
            value = self.coerce(value, vtype, t, span) if not isinstance(value, (Ptr, VarRef)) else value
            self.assign_var(target.name, value, m, t)
            return
        if isinstance(target, ir.Member) and isinstance(target.base.type, Vector) and \
                not _in_memory(target.base):
            base_val = self.eval(target.base, m)
            idx = "xyzw".index(target.field)
            v = convert(value, _dtype(vtype), target.base.type.of)
            new = np.array(np.broadcast_to(base_val, _shape(base_val, np.asarray(v)[..., None] if np.ndim(v) else base_val, self.L, True)))
            new[:, idx] = v
            self.store(target.base, new, target.base.type, m, span)
            return
        if isinstance(target, ir.Index) and isinstance(target.base.type, Vector) and \
                not _in_memory(target.base):
            base_val = self.eval(target.base, m)
            idx = self.eval(target.index, m)
            v = convert(value, _dtype(vtype), target.base.type.of)
            L = self.L
            new = np.array(np.broadcast_to(base_val, (L, base_val.shape[-1])))
            lanes = np.arange(L)
            idx_b = np.broadcast_to(idx, (L,))
            if (idx_b[m] < 0).any() or (idx_b[m] >= new.shape[1]).any():
                raise self.error(span, "vector element index out of range")
            new[lanes[m], idx_b[m]] = np.broadcast_to(v, (L,))[m]
            self.store(target.base, new, target.base.type, m, span)
            return
        return self.store_at(self.address(target, m), t, value, vtype, m, span)

    def store_at(self, ptr: Ptr, t: Type, value, vtype: Type, m, span) -> None:
        self.count(m, t.lanes if isinstance(t, Vector) else 1)
        if isinstance(t, Scalar):
            v = convert(value, _dtype(vtype), t.dtype)
            try:
                self.memory.store(ptr, t.dtype, v, m)
            except MemoryFault as e:
                raise self.fault(span, e) from None
        elif isinstance(t, Vector):
            count = vector_width(t)
            d = DType.U8 if t.kind is VecKind.SIMD else t.of
            try:
                self.memory.store(ptr, d, np.asarray(value), m, count=count)
            except MemoryFault as e:
                raise self.fault(span, e) from None
        elif isinstance(t, Pointer):
            if not isinstance(value, Ptr):
                raise self.error(span, "only a pointer can be stored in a pointer variable")
            try:
                self.memory.store(ptr, DType.I64, self.memory.encode_pointer(value), m)
            except MemoryFault as e:
                raise self.fault(span, e) from None
        else:
            raise self.error(span, f"not supported: assignment of {t.c()}")

    def s_If(self, s: ir.If, m) -> None:
        v = self.eval(s.cond, m)
        if v.__class__ is np.ndarray and v.ndim == 0:        # uniform condition: one side runs
            then_m, else_m = (m, None) if v else (None, m)
        else:
            c = self.truth(v)
            then_m, else_m = m & c, (m & ~c if s.other is not None else None)
        if then_m is not None and then_m.any():
            if type(s.then) is ir.Block:           # the block opens its own scope
                self.exec(s.then, then_m)
            else:
                self.frame.scopes.append({})
                self.exec(s.then, then_m)
                self.frame.scopes.pop()
        if s.other is not None and else_m is not None:
            else_m = self.live(else_m)
            if else_m.any():
                if type(s.other) is ir.Block:
                    self.exec(s.other, else_m)
                else:
                    self.frame.scopes.append({})
                    self.exec(s.other, else_m)
                    self.frame.scopes.pop()

    def s_For(self, s: ir.For, m) -> None:
        if (id(s) in self.collapsed or any(p.startswith(("omp parallel for", "omp simd")) for p in s.pragmas)) \
                and self.parallel_loop(s, m):
            return
        self.frame.scopes.append({})
        try:
            for st in s.init:
                self.exec(st, m)
            self.iterate(s, m, s.cond, s.step, check_first=True,
                         loop_vars={d.name for d in s.init if isinstance(d, ir.Decl)})
        finally:
            self.frame.scopes.pop()

    def iterate(self, s, m, cond, step=(), check_first: bool = True, loop_vars=frozenset()) -> None:
        """The common loop: test `cond` for the active lanes, run the body, retire lanes that
        broke or returned, run `step`; until no lane is active.

        `loop_vars` are the variables the for-statement declares: only lanes still in the loop
        can read them, so a step that gives every active lane the same value keeps them uniform
        (one value, shape ()) instead of merging per lane."""
        loop = Loop(self.L)
        self.loops.append(loop)
        active = m.copy()
        first = True
        iterations = 0
        body = s.body
        body_is_block = type(body) is ir.Block
        try:
            while True:
                if cond is not None and (check_first or not first):
                    c = self.eval(cond, active)
                    if c.__class__ is np.ndarray and c.ndim == 0:      # uniform condition
                        if not c:
                            break
                    else:
                        active = active & self.truth(c)
                first = False
                if not active.any():
                    break
                if body_is_block:                 # the block opens its own scope
                    self.exec(body, active)
                else:
                    scopes = self.frames[-1].scopes
                    scopes.append({})
                    self.exec(body, active)
                    scopes.pop()
                if loop.any_broke:
                    active = active & ~loop.broke
                frame = self.frames[-1]
                if frame.any_returned and frame.returned.any():
                    active = active & ~frame.returned
                if loop.stopped:
                    loop.stop[:] = False
                    loop.stopped = False
                for st in step:
                    if not (loop_vars and type(st) is ir.Assign and type(st.target) is ir.Var
                            and st.target.name in loop_vars and self.uniform_step(st, active)):
                        self.exec(st, active)
                iterations += 1
                if iterations > MAX_LOOP_ITERATIONS:
                    raise self.error(s.span, "loop ran more than 50 million iterations; giving up")
                if self.deadline is not None and time.perf_counter() > self.deadline:
                    raise TooSlow(s.span, "the run went past its time limit")
        finally:
            self.loops.pop()

    def uniform_step(self, st: ir.Assign, m) -> bool:
        """Run the step `v = e` / `v op= e` of a for-statement's own variable `v` (in the
        innermost scope) when `v` is uniform; the new value stays uniform when it is one value.
        Returns False (nothing done) when `v` is not a uniform scalar register."""
        scope = self.frames[-1].scopes[-1]
        name, t = st.target.name, st.target.type
        old = scope.get(name)
        if old.__class__ is not np.ndarray or old.ndim != 0 or not isinstance(t, Scalar):
            return False
        value = self.eval(st.value, m)
        vtype = st.value.type
        if st.op is not None:
            key = ("step", id(st))
            fast = self.compiled.get(key)
            if fast is None:
                fast = self.compiled[key] = _step_op(st)
                self.compiled.setdefault("_nodes", []).append(st)
            if fast is not False and value.__class__ is np.ndarray:
                g, vtype = fast
                value = g(self, m, old, value)
                if value.__class__ is not np.ndarray:
                    value = np.asarray(value)
            else:
                value, vtype = self.arith(st.op, old, t, value, vtype, st.span, m)
        if isinstance(value, (Ptr, VarRef)):
            self.store(st.target, value, vtype, m, st.span)
            return True
        value = self.coerce(value, vtype, t, st.span)
        if value.__class__ is np.ndarray and value.ndim == 0:
            scope[name] = value
        else:
            self.assign_var(name, value, m, t)
        return True

    def parallel_loop(self, s: ir.For, m) -> bool:
        """Run a parallel loop `for (int v = a; v < b; v++)` with its iterations as extra lanes.

        Iterations are independent (docs/canonical.md), so every (lane, iteration) pair becomes
        a lane of a child machine; memory is shared, register state is copied in and dropped
        afterwards (a parallel loop cannot pass values out through scalars)."""
        if not (len(s.init) == 1 and isinstance(s.init[0], ir.Decl) and s.init[0].init is not None
                and isinstance(s.cond, ir.Binary) and s.cond.op in ("<", "<=") and isinstance(s.cond.left, ir.Var)
                and s.cond.left.name == s.init[0].name and len(s.step) == 1):
            return False
        name = s.init[0].name
        step_e = _step_amount(s.step[0], name)
        if step_e is None or any(isinstance(n, ir.Var) and n.name == name for n in ir_walk(step_e)):
            return False
        self.frame.scopes.append({})
        start = np.broadcast_to(np.asarray(self.eval(s.init[0].init, m)).astype(np.int64), (self.L,))
        self.frame.scopes[-1][name] = np.asarray(start, np.int32)
        end = np.broadcast_to(np.asarray(self.eval(s.cond.right, m)).astype(np.int64), (self.L,))
        step = np.broadcast_to(np.asarray(self.eval(step_e, m)).astype(np.int64), (self.L,))
        self.frame.scopes.pop()
        if s.cond.op == "<=":
            end = end + 1
        if (step[m] <= 0).any():
            return False                           # (the serial loop says what happens)
        step = np.where(m, step, 1)
        count = np.where(m, np.maximum(-(-(end - start) // step), 0), 0)
        n = int(count.max()) if count.size else 0
        if n == 0:
            return True
        chunk = max(1, min(n, PARALLEL_LANES // max(1, int(m.sum()))))
        outer_lanes = np.flatnonzero(m)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            width = hi - lo
            outer = np.repeat(outer_lanes, width)
            it = np.tile(np.arange(lo, hi, dtype=np.int64), outer_lanes.size)
            active = it < count[outer]
            child = Machine(self.module, self.memory, outer.size, {k: _expand(v, outer, self.L) for k, v in self.builtins.items()},
                            self.groups, self.runtime)
            child.frames = [self.copy_frame(f, outer) for f in self.frames]
            child.frames[-1].scopes.append({name: (start[outer] + it * step[outer]).astype(np.int32)})
            child.frames[-1].returned = np.zeros(outer.size, bool)
            child.loops = [Loop(outer.size)]          # `continue` ends this iteration's lane
            child.collapsed = self.collapsed | _collapsed_inner(s)
            child.run_block(s.body.stmts if isinstance(s.body, ir.Block) else (s.body,), active)
            if child.frames[-1].returned.any():
                raise self.error(s.span, "not supported: 'return' inside a parallel loop")
        return True

    def copy_frame(self, f: Frame, outer: np.ndarray) -> Frame:
        g = Frame(f.function, outer.size)
        g.scopes = [{k: _expand(v, outer, self.L) for k, v in scope.items()} for scope in f.scopes]
        g.returned = f.returned[outer]
        g.any_returned = f.any_returned
        g.ret = None
        return g

    def s_While(self, s: ir.While, m) -> None:
        self.iterate(s, m, s.cond, check_first=not s.do_while)

    def s_Switch(self, s: ir.Switch, m) -> None:
        value = self.eval(s.value, m)
        loop = Loop(self.L)
        self.loops.append(loop)
        entered = np.zeros(self.L, bool)
        any_match = np.zeros(self.L, bool)
        for c in s.cases:
            for v in c.values:
                any_match |= np.broadcast_to(value == self.eval(v, m), (self.L,))
        try:
            for c in s.cases:
                if c.values:
                    hit = np.zeros(self.L, bool)
                    for v in c.values:
                        hit |= np.broadcast_to(value == self.eval(v, m), (self.L,))
                else:
                    hit = ~any_match
                entered = entered | (m & hit)
                run = entered & ~loop.broke
                if run.any():
                    self.run_block(c.body, run)
        finally:
            self.loops.pop()

    def s_Break(self, s, m) -> None:
        loop = self.loops[-1]
        loop.broke |= m
        loop.stop |= m
        loop.any_broke = loop.stopped = True

    def s_Continue(self, s, m) -> None:
        loop = self.loops[-1]
        loop.stop |= m
        loop.stopped = True

    def s_Return(self, s: ir.Return, m) -> None:
        f = self.frame
        if s.value is not None and isinstance(f.function.ret, Struct):
            cxx.ret(self, f, f.function.ret, s.value, m, s.span)
        elif s.value is not None:
            value = self.coerce(self.eval(s.value, m), s.value.type, f.function.ret, s.span)
            f.ret = value if f.ret is None else select(m, value, np.broadcast_to(f.ret, (self.L,) + np.shape(f.ret)[1:])
                                                       if np.ndim(f.ret) == 0 else f.ret)
        f.returned = f.returned | m
        f.any_returned = True

    def s_Launch(self, s: ir.Launch, m) -> None:
        config = [self.eval(c, m) for c in s.config]
        args = [self.eval(a, m) for a in s.args]
        self.runtime.launch(self, s, config, args)

    # ---- expressions --------------------------------------------------------------------------
    def uniform_truth(self, value: bool) -> np.ndarray:
        """A read-only (L,) mask with every lane `value` (made once per machine, as
        np.broadcast_to would give it)."""
        masks = self._uniform_masks
        if masks is None:
            masks = self._uniform_masks = (np.zeros(self.L, bool), np.ones(self.L, bool))
            for mask in masks:
                mask.flags.writeable = False
        return masks[value]

    def truth(self, v) -> np.ndarray:
        if v.__class__ is np.ndarray:
            if v.shape == (self.L,):
                return v if v.dtype == np.bool_ else v != 0
            if v.ndim == 0:
                return self.uniform_truth(bool(v))
        if isinstance(v, Ptr):
            return np.broadcast_to(v.buffer is not None, (self.L,))
        return np.broadcast_to(np.asarray(v) != 0, (self.L,))

    def eval(self, e: ir.Expr, m):
        f = self.compiled.get(id(e))
        if f is None:
            f = compile_expr(self.compiled, e)
        v = f(self, m)
        return _asarray(v) if v.__class__ is not _ndarray and isinstance(v, _npscalar) else v

    def eval_node(self, e: ir.Expr, m):
        """Evaluate `e` through its x_ method (the uncompiled path)."""
        v = getattr(self, "x_" + type(e).__name__)(e, m)
        return np.asarray(v) if isinstance(v, np.generic) else v

    def x_Const(self, e: ir.Const, m):
        if isinstance(e.type, Scalar):
            return np.asarray(e.value, np_dtype(e.type))
        return np.asarray(e.value)

    def x_EnumConst(self, e: ir.EnumConst, m):
        return np.asarray(e.value, np.int32)

    def x_Str(self, e: ir.Str, m):
        return c_string(e.value)

    def x_TypeArg(self, e: ir.TypeArg, m):
        return e.of

    def x_Var(self, e: ir.Var, m):
        if isinstance(e.type, Opaque) and e.type.name == "function":
            return e.name
        value = self.lookup(e.name, e.span)
        if isinstance(value, Cell):
            return self.load(e, m)
        return value

    def x_Builtin(self, e: ir.Builtin, m):
        try:
            return self.builtins[e.name]
        except KeyError:
            raise self.error(e.span, f"'{e.name}' is not available on {self.platform.value} "
                                     f"in this context") from None

    def x_Unary(self, e: ir.Unary, m):
        v = self.eval(e.operand, m)
        if e.op == "!":
            return ~self.truth(v) if np.ndim(v) else np.asarray(not bool(v))
        if isinstance(e.type, Scalar):
            v = convert(v, _dtype(e.operand.type), e.type.dtype)
        with np.errstate(over="ignore"):
            if e.op == "-":
                return -v
            if e.op == "~":
                return ~v
            return v

    def x_Binary(self, e: ir.Binary, m):
        if isinstance(e.type, Stream):
            return stream_output(self, e, m)
        if e.op in ("&&", "||"):
            a = self.truth(self.eval(e.left, m))
            second = m & (a if e.op == "&&" else ~a)
            b = self.truth(self.eval(e.right, second)) if second.any() else np.zeros(self.L, bool)
            r = (a & b) if e.op == "&&" else (a | (b & second))
            return r if self.L > 1 else r.reshape(self.L)
        a = self.eval(e.left, m)
        b = self.eval(e.right, m)
        value, _ = self.arith(e.op, a, e.left.type, b, e.right.type, e.span, m, result=e.type)
        return value

    def popcount(self, m) -> int:
        """Active lanes of mask `m` (remembered for the last mask asked: masks are not changed
        in place once made)."""
        if m is self._count_mask:
            return self._count_n
        n = int(np.count_nonzero(m))
        self._count_mask, self._count_n = m, n
        return n

    def count(self, m, width: int = 1) -> None:
        """Account simulated scalar operations (the benchmark's unit): active lanes x width."""
        if self.runtime is not None:
            self.runtime.report.scalar_ops += self.popcount(m) * width

    def arith(self, op: str, a, at: Type, b, bt: Type, span, m, result: Type | None = None):
        """C arithmetic on values `a` (type at) and `b` (type bt) -> (value, type)."""
        self.count(m, at.lanes if isinstance(at, Vector) else 1)
        if isinstance(a, Ptr) or isinstance(b, Ptr):
            return self.pointer_arith(op, a, at, b, bt, span)
        if isinstance(at, Vector) or isinstance(bt, Vector):
            return self.vector_arith(op, a, at, b, bt, span), (at if isinstance(at, Vector) else bt)
        if (isinstance(at, Opaque) or isinstance(bt, Opaque)) and "function" not in (getattr(at, "name", ""), getattr(bt, "name", "")):
            # enumerations and status codes (cudaError_t, cnrtRet_t) are int values: `e != cudaSuccess`
            at, bt = (Scalar(DType.I32) if isinstance(t, Opaque) else t for t in (at, bt))
        if not isinstance(at, Scalar) or not isinstance(bt, Scalar):
            raise self.error(span, f"not supported: '{op}' on {at.c()} and {bt.c()}")
        if op in ("<<", ">>"):
            d = promote(at.dtype)
            x = convert(a, at.dtype, d)
            y = np.asarray(b).astype(np.int64)
            with np.errstate(over="ignore"):
                r = (x << y.astype(x.dtype)) if op == "<<" else (x >> y.astype(x.dtype))
            return r.astype(register_np(d)), Scalar(d)
        d = common(at.dtype, bt.dtype)
        if d is DType.BOOL:
            d = DType.I32
        x = convert(a, at.dtype, d)
        y = convert(b, bt.dtype, d)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            if op == "+":
                r = x + y
            elif op == "-":
                r = x - y
            elif op == "*":
                r = x * y
            elif op in ("/", "%"):
                if d.is_int:
                    yb = np.broadcast_to(y, np.broadcast_shapes(np.shape(y), m.shape if m.ndim else ()))
                    zero = (yb == 0) & (m if yb.ndim else True)
                    if np.any(zero):
                        lane = int(np.flatnonzero(zero)[0]) if np.ndim(zero) else None
                        raise self.error(span, "integer division by zero", lane)
                    safe = np.where(y == 0, 1, y).astype(y.dtype) if np.ndim(y) else y
                    r = c_div(x, safe) if op == "/" else c_mod(x, safe)
                else:
                    r = x / y if op == "/" else np.fmod(x, y)
            elif op == "<":
                return x < y, Scalar(DType.BOOL)
            elif op == ">":
                return x > y, Scalar(DType.BOOL)
            elif op == "<=":
                return x <= y, Scalar(DType.BOOL)
            elif op == ">=":
                return x >= y, Scalar(DType.BOOL)
            elif op == "==":
                return x == y, Scalar(DType.BOOL)
            elif op == "!=":
                return x != y, Scalar(DType.BOOL)
            elif op == "&":
                r = x & y
            elif op == "|":
                r = x | y
            elif op == "^":
                r = x ^ y
            else:
                raise self.error(span, f"not supported: operator '{op}'")
        if d is DType.BF16:
            r = convert(np.asarray(r, np.float32), DType.F32, DType.BF16)
        return np.asarray(r).astype(register_np(d), copy=False), Scalar(d)

    def pointer_arith(self, op, a, at, b, bt, span):
        if isinstance(a, Ptr) and isinstance(b, Ptr):
            if op == "-":
                return (a.offsets - b.offsets) // max(a.elem_size, 1), Scalar(DType.I64)
            if op in ("==", "!=", "<", ">", "<=", ">="):
                same = a.buffer is b.buffer
                fn = {"==": np.equal, "!=": np.not_equal, "<": np.less, ">": np.greater,
                      "<=": np.less_equal, ">=": np.greater_equal}[op]
                if not same:
                    return np.asarray(op == "!="), Scalar(DType.BOOL)
                return fn(a.offsets, b.offsets), Scalar(DType.BOOL)
        if isinstance(a, Ptr) and op in "+-":
            delta = np.asarray(b).astype(np.int64) * a.elem_size
            return a.add_bytes(delta if op == "+" else -delta), at
        if isinstance(b, Ptr) and op == "+":
            return b.add_bytes(np.asarray(a).astype(np.int64) * b.elem_size), bt
        if op in ("==", "!=") and (isinstance(a, Ptr) or isinstance(b, Ptr)):
            p = a if isinstance(a, Ptr) else b
            null = p.buffer is None
            return np.asarray(null if op == "==" else not null), Scalar(DType.BOOL)
        raise self.error(span, f"not supported: pointer operation '{op}'")

    def vector_arith(self, op, a, at, b, bt, span):
        vt = at if isinstance(at, Vector) else bt
        if vt.kind is VecKind.SIMD:
            raise self.error(span, f"not supported: operator '{op}' on {vt.c()} (use intrinsics)")
        def as_vec(v, t):
            if isinstance(t, Vector):
                return np.asarray(v)
            return np.atleast_1d(convert(v, t.dtype, vt.of))[:, None]
        x, y = as_vec(a, at), as_vec(b, bt)
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            ops = {"+": np.add, "-": np.subtract, "*": np.multiply, "/": np.divide}
            if op not in ops:
                raise self.error(span, f"not supported: vector operator '{op}'")
            if op == "/" and vt.of.is_int:
                return c_div(x, y)
            return ops[op](x, y).astype(register_np(vt.of))

    def x_Ternary(self, e: ir.Ternary, m):
        return ternary_lanes(self, e, self.truth(self.eval(e.cond, m)), m,
                             lambda tm: self.eval(e.then, tm), lambda fm: self.eval(e.other, fm))

    def x_Cast(self, e: ir.Cast, m):
        v = self.eval(e.operand, m)
        t = e.type
        if isinstance(v, VarRef):
            return v
        if isinstance(t, Pointer):
            if isinstance(v, Ptr):
                return Ptr(v.buffer, v.offsets, _elem_size_of_pointee(t))
            if isinstance(v, np.ndarray) and not np.any(v):
                return Ptr(None, np.zeros((), np.int64), _elem_size_of_pointee(t))
            raise self.error(e.span, "not supported: casting an integer to a pointer")
        if isinstance(t, Scalar):
            if isinstance(v, Ptr):
                raise self.error(e.span, "not supported: casting a pointer to an integer")
            return convert(v, _dtype(e.operand.type), t.dtype)
        if isinstance(t, Vector) and isinstance(e.operand.type, Vector):
            return v
        return self.coerce(v, e.operand.type, t, e.span)

    def address(self, e: ir.Expr, m) -> Ptr:
        """The address of an lvalue in memory (Index, Deref, Member of a memory struct)."""
        if isinstance(e, ir.Index) and isinstance(e.base.type, Vector) and _in_memory(e.base):
            # `v[k]` of a vector struct held in memory (`int2 idx[128]; idx[t][0]`): lane k of it
            base = self.address(e.base, m)
            idx = np.asarray(self.eval(e.index, m)).astype(np.int64)
            size = e.base.type.of.size
            return Ptr(base.buffer, base.offsets + idx * size, size)
        if isinstance(e, ir.Index):
            base = cxx.element_base(self, self.eval(e.base, m))
            if not isinstance(base, Ptr):
                raise self.error(e.span, "not supported: indexing a value that is not in memory")
            idx = np.asarray(self.eval(e.index, m)).astype(np.int64)
            return base.add_bytes(idx * _elem_size(e.type) if not isinstance(e.type, Array)
                                  else idx * (_sizeof(e.type) or 0))
        if isinstance(e, ir.Deref):
            p = self.eval(e.operand, m)
            if not isinstance(p, Ptr):
                raise self.error(e.span, "not supported: dereferencing a non-pointer")
            return p
        if isinstance(e, ir.Member) and isinstance(e.base.type, Vector):
            base = self.address(e.base, m)
            return Ptr(base.buffer, base.offsets + "xyzw".index(e.field) * e.base.type.of.size,
                       e.base.type.of.size)
        if isinstance(e, ir.Member) and isinstance(e.base.type, Struct):
            base = self.address(e.base, m)
            return Ptr(base.buffer, base.offsets + e.base.type.offset(e.field), _elem_size(e.type))
        if isinstance(e.type, Struct):              # a struct variable, or a struct rvalue
            return cxx.struct_value(self, e, m)
        if isinstance(e, ir.Var) and isinstance(e.type, Array):
            return self.lookup(e.name, e.span)
        if isinstance(e, ir.Var) and isinstance(self.lookup(e.name, e.span), Cell):
            return self.lookup(e.name, e.span).ptr
        raise self.error(e.span, "not supported: address of this expression")

    def load(self, e: ir.Expr, m):
        ptr = self.address(e, m)
        t = e.type
        self.count(m, t.lanes if isinstance(t, Vector) else 1)
        try:
            if isinstance(t, Array):
                return Ptr(ptr.buffer, ptr.offsets, _elem_size(t.of))
            if isinstance(t, Struct):
                return Ptr(ptr.buffer, ptr.offsets, _elem_size(t))
            if isinstance(t, Scalar):
                return self.memory.load(ptr, t.dtype, m)
            if isinstance(t, Vector):
                d = DType.U8 if t.kind is VecKind.SIMD else t.of
                return self.memory.load(ptr, d, m, count=vector_width(t))
            if isinstance(t, Pointer):
                bits = self.memory.load(ptr, DType.I64, m)
                return self.memory.decode_pointer(bits, _elem_size_of_pointee(t), m)
        except MemoryFault as err:
            raise self.fault(e.span, err) from None
        raise self.error(e.span, f"not supported: loading a value of type {t.c()}")

    def x_Index(self, e: ir.Index, m):
        bt = e.base.type
        if isinstance(bt, Vector) and not _in_memory(e.base):
            v = self.eval(e.base, m)
            idx = np.broadcast_to(np.asarray(self.eval(e.index, m)).astype(np.int64), (v.shape[0],))
            return v[np.arange(v.shape[0]), np.clip(idx, 0, v.shape[1] - 1)]
        if isinstance(e.base, ir.Member) and isinstance(e.base.base.type, Fragment):
            raise self.error(e.span, "not supported: positional access to wmma fragment elements "
                                     "(the per-lane layout is unspecified; cuda.md §9)")
        return self.load(e, m)

    def x_Deref(self, e: ir.Deref, m):
        return self.load(e, m)

    def x_Member(self, e: ir.Member, m):
        bt = e.base.type
        if isinstance(bt, Struct):
            return self.load(e, m)
        if isinstance(bt, Vector):
            if _in_memory(e.base):
                return self.load(e, m)
            v = self.eval(e.base, m)
            return v[:, "xyzw".index(e.field)] if v.shape[0] > 1 or self.L == 1 else v[0, "xyzw".index(e.field)]
        if isinstance(bt, Fragment) and e.field == "num_elements":
            rows, cols = bt.shape
            ws = self.runtime.warp_size if self.runtime else 32
            return np.asarray(rows * cols // ws, np.int32)
        raise self.error(e.span, f"not supported: member '{e.field}' of {bt.c()}")

    def x_AddressOf(self, e: ir.AddressOf, m):
        inner = e.operand
        if isinstance(inner, ir.Var) and not isinstance(inner.type, (Array, Struct)) \
                and not isinstance(self.lookup(inner.name, e.span), Cell):
            for frame_scope in reversed(self.frame.scopes):
                if inner.name in frame_scope:
                    return VarRef(inner.name, frame_scope)
            if inner.name in self.global_scope():          # a file-scope scalar: memcpy(&g, ...)
                return VarRef(inner.name, self.global_scope())
            raise self.error(e.span, f"internal: unknown variable {inner.name}")
        ptr = self.address(inner, m)
        return Ptr(ptr.buffer, ptr.offsets, _elem_size_of_pointee(e.type))

    def x_SizeOf(self, e: ir.SizeOf, m):
        size = _sizeof(e.of)
        if size is None:
            raise self.error(e.span, f"sizeof of {e.of.c()} is not known")
        return np.asarray(size, np.uint64)

    def x_InitList(self, e: ir.InitList, m):
        if isinstance(e.type, Struct):
            return cxx.struct_value(self, e, m)
        raise self.error(e.span, "not supported: initializer list here")

    def x_MethodCall(self, e: ir.MethodCall, m):
        return cxx.method_call(self, e, m)

    def x_Call(self, e: ir.Call, m):
        fn = self.called_function(e)
        if fn is not None and fn.body is not None:
            return self.call_function(fn, e, m)
        impl = intrinsics.lookup(e.callee, self.platform)
        if impl is None:
            if isinstance(e.type, (Vector, Scalar)) and e.callee == e.type.c():
                return self.construct(e.type, e.args, m, e.span)
            raise self.error(e.span, f"not supported: call to '{e.callee}' (no semantics in the "
                                     f"intrinsic catalog)")
        args = [self.eval(a, m) for a in e.args]
        try:
            return impl(self, e, args, m)
        except MemoryFault as err:
            raise self.fault(e.span, err) from None

    def called_function(self, e: ir.Call) -> ir.Function | None:
        """The function of the module a call runs: among overloads of one name, the one C++
        selects for the argument types (the front end chose the call's type by the same rule)."""
        key = ("callee", id(e))
        if key in self.compiled:
            return self.compiled[key]
        fns = [f for f in self.module.functions if f.name == e.callee and f.body is not None]
        fn = fns[0] if fns else self.module.function(e.callee)
        if len(fns) > 1:
            half = {ir.Platform.CUDA: "cuda", ir.Platform.HIP: "hip"}.get(self.platform)
            index = select_overload([tuple(p.type for p in f.params) for f in fns],
                                    [a.type for a in e.args], half)
            fn = fns[index] if index is not None else fn
        self.compiled[key] = fn
        return fn

    def call_function(self, fn: ir.Function, e: ir.Call, m):
        if len(self.frames) > 64:
            raise self.error(e.span, "not supported: recursion deeper than 64 calls")
        if len(e.args) != len(fn.params):
            raise self.error(e.span, f"'{fn.name}' takes {len(fn.params)} arguments, {len(e.args)} given")
        values = cxx.bind_arguments(self, fn, e, m)
        frame = Frame(fn, self.L)
        for p, a, v in zip(fn.params, e.args, values):
            frame.scopes[0][p.name] = self.coerce(v, a.type, p.type, e.span) \
                if isinstance(v, np.ndarray) and not isinstance(p.type, Reference) else v
        self.frames.append(frame)
        saved_loops = self.loops
        self.loops = []
        try:
            self.run_block(fn.body.stmts, m)
        finally:
            self.frames.pop()
            self.loops = saved_loops
        return frame.ret

    # ---- entry --------------------------------------------------------------------------------
    def run_function(self, fn: ir.Function, args: list, mask: np.ndarray | None = None,
                     template: dict | None = None):
        frame = Frame(fn, self.L)
        frame.scopes[0].update(template or {})
        for p, v in zip(fn.params, args):
            frame.scopes[0][p.name] = v
        self.frames.append(frame)
        try:
            # C arithmetic wraps and produces inf/NaN silently: no numpy warnings while it runs
            with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                self.run_block(fn.body.stmts, np.ones(self.L, bool) if mask is None else mask)
        finally:
            self.frames.pop()
        return frame.ret

    def barrier(self, span, m) -> None:
        """A block-wide barrier: all threads must arrive; then race logs are checked and reset."""
        if self.L > 1 and not m.all():
            block = self.groups.get("block")
            if block is not None:
                arrived = np.bincount(block[m], minlength=self.groups.get("blocks", 1))
                expected = np.bincount(block, minlength=self.groups.get("blocks", 1))
                live = np.bincount(block[~self.frame.returned], minlength=self.groups.get("blocks", 1))
                if np.any((arrived > 0) & (arrived < live)) and np.any(arrived != expected):
                    raise self.error(span, "barrier reached by only some threads of a block "
                                           "(a condition around __syncthreads() depends on the thread)")
        self.check_races(span)

    def check_races(self, span) -> None:
        if not self.memory.check_races or self.runtime is None:
            return
        for buf in self.runtime.buffers_in_flight:
            if buf.log is None:
                continue
            hit = find_races(buf)
            if hit is not None:
                offset, la, lb = hit
                self.runtime.report.races.append(
                    f"{span!r}: race on '{buf.name}' byte {offset}: written by{self.where(la)} and "
                    f"accessed by{self.where(lb)} with no barrier between")


def _step_amount(step: ir.Stmt, name: str) -> ir.Expr | None:
    """The amount a parallel loop's header adds to its counter: `v++`, `v += e`, `v = v + e`."""
    if not (isinstance(step, ir.Assign) and isinstance(step.target, ir.Var) and step.target.name == name):
        return None
    if step.op == "+":
        return step.value
    v = step.value
    if step.op is None and isinstance(v, ir.Binary) and v.op == "+":
        if isinstance(v.left, ir.Var) and v.left.name == name:
            return v.right
        if isinstance(v.right, ir.Var) and v.right.name == name:
            return v.left
    return None


def _collapsed_inner(s: ir.For) -> set[int]:
    """The loops an `omp parallel for collapse(k)` also parallelises (perfectly nested)."""
    import re
    k = 1
    for p in s.pragmas:
        found = re.search(r"collapse\s*\(\s*(\d+)\s*\)", p)
        if found:
            k = int(found.group(1))
    out, body = set(), s.body
    for _ in range(k - 1):
        stmts = body.stmts if isinstance(body, ir.Block) else (body,)
        if len(stmts) != 1 or not isinstance(stmts[0], ir.For):
            break
        out.add(id(stmts[0]))
        body = stmts[0].body
    return out


def _expand(v, outer: np.ndarray, L: int):
    """A lane-dependent value of the parent machine, repeated for the child's lanes."""
    if isinstance(v, np.ndarray):
        if v.ndim >= 1 and v.shape[0] == L and L > 1:
            return v[outer]
        if v.ndim >= 1 and v.shape[0] == 1 and L == 1 and v.ndim >= 2:
            return v                                   # a uniform vector
        if v.ndim == 1 and L == 1 and v.shape[0] == 1:
            return np.repeat(v, outer.size)
        return v
    if isinstance(v, Ptr):
        return Ptr(v.buffer, _expand(v.offsets, outer, L), v.elem_size)
    if isinstance(v, Cell):
        return Cell(_expand(v.ptr, outer, L), v.type)
    if isinstance(v, cxx.VecValue):
        return cxx.VecValue(_expand(v.ptr, outer, L), _expand(v.sizes, outer, L), v.elem)
    return v


def register_np(d: DType) -> np.dtype:
    return register_dtype(d)


def _dtype(t: Type) -> DType | None:
    return t.dtype if isinstance(t, Scalar) else None


def _shape(old, value, L=None, vector=False):
    return np.broadcast_shapes(np.shape(old), np.shape(value))


def _has_struct(t: Type) -> bool:
    while isinstance(t, Array):
        t = t.of
    return isinstance(t, Struct)


def _in_memory(e: ir.Expr) -> bool:
    """Is this vector-typed expression an lvalue in memory (a[i], *p) rather than a register?"""
    return isinstance(e, (ir.Index, ir.Deref)) and not (isinstance(e, ir.Index) and isinstance(e.base.type, Vector))


def _sizeof(t: Type) -> int | None:
    return sizeof(t)


def _elem_size(t: Type) -> int:
    s = _sizeof(t)
    return s if s else 1


def _elem_size_of_pointee(t: Pointer) -> int:
    if isinstance(t.to, Void) or isinstance(t.to, Opaque) or isinstance(t.to, Unknown):
        return 1
    return _elem_size(t.to)


def _count(t: Type) -> int:
    return t.size * _count(t.of) if isinstance(t, Array) and t.size else 1


def _base_scalar(t: Type) -> DType:
    while isinstance(t, Array):
        t = t.of
    if isinstance(t, Scalar):
        return t.dtype
    raise XpilerError(None, f"not supported: initialised array of {t.c()}")


# ---- compiled expressions ---------------------------------------------------------------------
# Each expression node is turned once (per interpreter run) into a closure `f(machine, mask)` with
# its type decisions (usual arithmetic conversions, register dtypes, element sizes) made up
# front. A closure does what the node's x_ method does, with the same operation counts and the
# same checks; nodes and cases without a closure here run through the x_ method.

_STMT_METHODS: dict = {}
_ARITH = {"+": np.add, "-": np.subtract, "*": np.multiply, "&": np.bitwise_and, "|": np.bitwise_or,
          "^": np.bitwise_xor}
_COMPARE = {"<": np.less, ">": np.greater, "<=": np.less_equal, ">=": np.greater_equal,
            "==": np.equal, "!=": np.not_equal}
_PYOPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "&": operator.and_,
          "|": operator.or_, "^": operator.xor, "<": operator.lt, ">": operator.gt,
          "<=": operator.le, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}
_ndarray = np.ndarray
_npscalar = np.generic
_asarray = np.asarray


def compile_expr(cache: dict, e: ir.Expr):
    """The closure of `e`, from `cache` (keyed by node identity; the entry keeps the node alive)."""
    hit = cache.get(id(e))
    if hit is not None:
        return hit
    builder = _BUILDERS.get(type(e))
    f = builder(cache, e) if builder is not None else None
    if f is None:
        f = _generic(e)
    cache[id(e)] = f
    cache.setdefault("_nodes", []).append(e)      # ids stay unique while the cache lives
    return f


def _generic(e):
    def f(mc, m):
        return mc.eval_node(e, m)
    return f


def _fast_convert(src: DType | None, dst: DType):
    """convert(v, src, dst) with the decisions about `dst` made once. Values already of the target
    dtype pass through (as in convert); a uniform value may come as a numpy scalar and then stays
    one (Machine.eval turns numpy scalars into 0-d arrays at the end)."""
    target = register_np(dst)
    simple = dst is not DType.BOOL and dst is not DType.BF16
    to_int = dst.is_int
    ttype = target.type

    def conv(v):
        cls = v.__class__
        if cls is _ndarray:
            dt = v.dtype
            if dt is target or dt == target:
                return v
            if simple and (not to_int or dt.kind != "f"):
                return v.astype(target)              # what convert does for these
        elif isinstance(v, _npscalar):
            dt = v.dtype
            if dt is target or dt == target:
                return v
            if simple and (not to_int or dt.kind != "f"):
                return ttype(v)                      # a C cast, as astype
        return convert(v, src, dst)
    return conv


def _c_const(cache, e: ir.Const):
    v = np.asarray(e.value, np_dtype(e.type)) if isinstance(e.type, Scalar) else np.asarray(e.value)
    v.flags.writeable = False                      # shared by every evaluation

    def f(mc, m):
        return v
    return f


def _c_enum(cache, e: ir.EnumConst):
    v = np.asarray(e.value, np.int32)
    v.flags.writeable = False

    def f(mc, m):
        return v
    return f


def _c_var(cache, e: ir.Var):
    if isinstance(e.type, Opaque) and e.type.name == "function":
        return None
    name, span = e.name, e.span

    def f(mc, m):
        for scope in reversed(mc.frames[-1].scopes):
            if name in scope:
                value = scope[name]
                break
        else:
            value = mc.lookup(name, span)
        cls = value.__class__
        if cls is _ndarray or cls is Ptr:
            return value
        if cls is Cell:
            return mc.load(e, m)
        return np.asarray(value) if isinstance(value, np.generic) else value
    return f


def _c_builtin(cache, e: ir.Builtin):
    name = e.name

    def f(mc, m):
        value = mc.builtins.get(name)
        if value is None:
            return mc.eval_node(e, m)               # the error message
        return np.asarray(value) if isinstance(value, np.generic) else value
    return f


def _binop(op: str, at: Type, bt: Type, span, result):
    """`g(mc, m, a, b)`: Machine.arith(op, a, at, b, bt, ...)'s value, its type decisions made now."""
    def general(mc, m, a, b):
        value, _ = mc.arith(op, a, at, b, bt, span, m, result=result)
        return value

    if not (isinstance(at, Scalar) and isinstance(bt, Scalar)) or op in ("<<", ">>"):
        return general
    d = common(at.dtype, bt.dtype)
    if d is DType.BOOL:
        d = DType.I32
    if d is DType.BF16 or (op not in _ARITH and op not in _COMPARE) or (op in "&|^" and d.is_float):
        return general
    cx, cy = _fast_convert(at.dtype, d), _fast_convert(bt.dtype, d)
    pyop = _PYOPS[op]
    rtype = register_np(d) if op in _ARITH else None

    def g(mc, m, a, b):
        ca, cb = a.__class__, b.__class__
        if ca is Ptr or cb is Ptr:
            return general(mc, m, a, b)
        rt = mc.runtime
        if rt is not None:
            rt.report.scalar_ops += mc._count_n if m is mc._count_mask else mc.popcount(m)
        # a uniform operand (0-d) is computed on as a numpy scalar: same dtype rules, less overhead
        if ca is _ndarray and not a.ndim:
            a = a[()]
        if cb is _ndarray and not b.ndim:
            b = b[()]
        r = pyop(cx(a), cy(b))
        if rtype is not None:
            dt = r.dtype
            if dt is not rtype and dt != rtype:
                r = r.astype(rtype)
        return r
    return g


def _c_binary(cache, e: ir.Binary):
    if isinstance(e.type, Stream):
        return None
    if e.op in ("&&", "||"):
        return _c_logical(cache, e)
    fa, fb = compile_expr(cache, e.left), compile_expr(cache, e.right)
    g = _binop(e.op, e.left.type, e.right.type, e.span, e.type)

    def f(mc, m):
        a = fa(mc, m)
        return g(mc, m, a, fb(mc, m))
    return f


def _c_logical(cache, e: ir.Binary):
    """`a && b`, `a || b` (Machine.x_Binary): `b` only on the lanes it decides; a uniform `a`
    decides every lane at once."""
    fa, fb = compile_expr(cache, e.left), compile_expr(cache, e.right)
    is_and = e.op == "&&"

    def value(mc, fx, m):
        v = fx(mc, m)
        return _asarray(v) if v.__class__ is not _ndarray and isinstance(v, _npscalar) else v

    def f(mc, m):
        v = value(mc, fa, m)
        if v.__class__ is _ndarray and v.ndim == 0:
            if bool(v) != is_and:                          # false && b, true || b
                return np.full(mc.L, not is_and)
            if not m.any():
                return np.zeros(mc.L, bool)
            b = mc.truth(value(mc, fb, m))
            return b & True if is_and else b & m
        a = mc.truth(v)
        second = m & (a if is_and else ~a)
        b = mc.truth(value(mc, fb, second)) if second.any() else np.zeros(mc.L, bool)
        r = (a & b) if is_and else (a | (b & second))
        return r if mc.L > 1 else r.reshape(mc.L)
    return f


def _c_cast(cache, e: ir.Cast):
    t = e.type
    if not isinstance(t, Scalar):
        return None
    fv = compile_expr(cache, e.operand)
    conv = _fast_convert(_dtype(e.operand.type), t.dtype)

    def f(mc, m):
        v = fv(mc, m)
        if v.__class__ is _ndarray:
            return conv(v)
        if isinstance(v, VarRef):
            return v
        if isinstance(v, Ptr):
            raise mc.error(e.span, "not supported: casting a pointer to an integer")
        return conv(v)
    return f


def _c_index(cache, e: ir.Index):
    t, bt = e.type, e.base.type
    if not isinstance(t, Scalar) or isinstance(bt, (Vector, StdVector)) or \
            (isinstance(e.base, ir.Member) and isinstance(e.base.base.type, Fragment)):
        return None
    fb, fi = compile_expr(cache, e.base), compile_expr(cache, e.index)
    size = _elem_size(t)
    d = t.dtype
    span = e.span
    int64 = np.int64

    def f(mc, m):
        base = fb(mc, m)
        if base.__class__ is not Ptr:
            raise mc.error(span, "not supported: indexing a value that is not in memory")
        idx = fi(mc, m)
        if idx.__class__ is _ndarray:
            idx = idx.astype(int64)
        elif isinstance(idx, _npscalar):
            idx = int64(idx)
        else:
            idx = np.asarray(idx).astype(int64)
        offsets = base.offsets + idx * size
        if offsets.__class__ is not _ndarray:
            offsets = _asarray(offsets)
        ptr = Ptr(base.buffer, offsets, base.elem_size)
        mc.count(m, 1)
        try:
            return mc.memory.load(ptr, d, m)
        except MemoryFault as err:
            raise mc.fault(span, err) from None
    return f


def _c_member(cache, e: ir.Member):
    """`s.f` / `p->f` of a scalar or array field of a struct in memory (Machine.x_Member, load)."""
    bt, t = e.base.type, e.type
    if not isinstance(bt, Struct) or not isinstance(t, (Scalar, Array)):
        return None
    try:
        offset = bt.offset(e.field)
    except Exception:                      # (the uncompiled path reports it)
        return None
    size = _elem_size(t)
    elem = _elem_size(t.of) if isinstance(t, Array) else None
    base, span = e.base, e.span

    def f(mc, m):
        p = mc.address(base, m)
        mc.count(m, 1)
        if elem is not None:
            return Ptr(p.buffer, p.offsets + offset, elem)
        try:
            return mc.memory.load(Ptr(p.buffer, p.offsets + offset, size), t.dtype, m)
        except MemoryFault as err:
            raise mc.fault(span, err) from None
    return f


def _c_ternary(cache, e: ir.Ternary):
    fc, ft, fo = compile_expr(cache, e.cond), compile_expr(cache, e.then), compile_expr(cache, e.other)

    def f(mc, m):
        return ternary_lanes(mc, e, mc.truth(fc(mc, m)), m, lambda tm: ft(mc, tm), lambda fm: fo(mc, fm))
    return f


def ternary_lanes(mc, e: ir.Ternary, c, m, then, other):
    """`c ? then : other` per lane: each side evaluated only on the lanes that take it."""
    tm, fm = m & c, m & ~c
    a = then(tm) if tm.any() else None
    b = other(fm) if fm.any() else None
    if a is None:
        return mc.coerce(b, e.other.type, e.type)
    if b is None:
        return mc.coerce(a, e.then.type, e.type)
    a = mc.coerce(a, e.then.type, e.type)
    b = mc.coerce(b, e.other.type, e.type)
    if isinstance(a, Ptr) or isinstance(b, Ptr):
        if a.buffer is not b.buffer:
            raise mc.error(e.span, "not supported: a pointer that points into different buffers "
                                   "in different threads")
        return Ptr(a.buffer, np.where(c, a.offsets, b.offsets), a.elem_size)
    return np.where(c if not isinstance(e.type, Vector) else c[:, None], a, b)


_BUILDERS = {ir.Const: _c_const, ir.EnumConst: _c_enum, ir.Var: _c_var, ir.Builtin: _c_builtin,
             ir.Binary: _c_binary, ir.Cast: _c_cast, ir.Index: _c_index, ir.Ternary: _c_ternary,
             ir.Member: _c_member}


# ---- compiled statements ----------------------------------------------------------------------

def compile_stmt(cache: dict, s: ir.Stmt):
    hit = cache.get(id(s))
    if hit is not None:
        return hit
    builder = _STMT_BUILDERS.get(type(s))
    f = builder(cache, s) if builder is not None else None
    if f is None:
        method = _STMT_METHODS.get(type(s))
        if method is None:
            method = _STMT_METHODS[type(s)] = getattr(Machine, "s_" + type(s).__name__)

        def f(mc, m):
            method(mc, s, m)
    cache[id(s)] = f
    cache.setdefault("_nodes", []).append(s)
    return f


def _c_exprstmt(cache, s: ir.ExprStmt):
    fe = compile_expr(cache, s.expr)

    def f(mc, m):
        fe(mc, m)
    return f


def _step_op(st: ir.Assign):
    """(g, result type) of a compound assignment's operator on scalars, or False."""
    t, vt = st.target.type, st.value.type
    if st.op not in _ARITH or not isinstance(t, Scalar) or not isinstance(vt, Scalar):
        return False
    d = common(t.dtype, vt.dtype)
    if d is DType.BOOL:
        d = DType.I32
    if d is DType.BF16 or (st.op in "&|^" and d.is_float):
        return False
    return _binop(st.op, t, vt, st.span, None), Scalar(d)


def _c_store_index(cache, s: ir.Assign):
    """`p[i] = v` and `p[i] op= v` of a scalar element in memory (for `op=`, as Machine.s_Assign:
    the element is loaded, then its address evaluated again for the store)."""
    target, t = s.target, s.target.type
    fv, fb, fi = compile_expr(cache, s.value), compile_expr(cache, target.base), compile_expr(cache, target.index)
    vtype, span, op = s.value.type, s.span, s.op
    size = _elem_size(t)
    int64 = np.int64
    if op is not None:
        ft = compile_expr(cache, target)
        fast = _step_op(s)

    def f(mc, m):
        value = fv(mc, m)
        if value.__class__ is not _ndarray and isinstance(value, _npscalar):
            value = _asarray(value)
        vt = vtype
        if op is not None:
            current = ft(mc, m)
            if current.__class__ is not _ndarray and isinstance(current, _npscalar):
                current = _asarray(current)
            if fast is not False and value.__class__ is _ndarray and current.__class__ is _ndarray:
                g, vt = fast
                value = g(mc, m, current, value)
            else:
                value, vt = mc.arith(op, current, t, value, vtype, span, m)
        base = fb(mc, m)
        if base.__class__ is not Ptr:
            raise mc.error(target.span, "not supported: indexing a value that is not in memory")
        idx = fi(mc, m)
        idx = (idx if idx.__class__ is _ndarray else np.asarray(idx)).astype(int64)
        mc.store_at(Ptr(base.buffer, base.offsets + idx * size, base.elem_size), t, value, vt, m, span)
    return f


def _c_assign(cache, s: ir.Assign):
    """`x = v` and `x op= v` on a scalar register variable (others: Machine.s_Assign)."""
    target, t = s.target, s.target.type
    if isinstance(target, ir.Index) and isinstance(t, Scalar) \
            and not isinstance(target.base.type, (Vector, StdVector)):
        return _c_store_index(cache, s)
    if not isinstance(target, ir.Var) or not isinstance(t, Scalar) or not isinstance(s.value.type, Scalar):
        return None
    fv = compile_expr(cache, s.value)
    vtype = s.value.type
    g = None
    if s.op is not None:
        if s.op not in _ARITH:
            return None
        d = common(t.dtype, vtype.dtype)
        if d is DType.BOOL:
            d = DType.I32
        if d is DType.BF16 or (s.op in "&|^" and d.is_float):
            return None
        g = _binop(s.op, t, vtype, s.span, None)
        vtype = Scalar(d)
        ft = compile_expr(cache, target)
    conv = _fast_convert(vtype.dtype, t.dtype)
    name, span = target.name, s.span

    def f(mc, m):
        value = fv(mc, m)
        if g is not None:
            value = g(mc, m, ft(mc, m), value)
        if value.__class__ is not _ndarray and isinstance(value, _npscalar):
            value = _asarray(value)
        for scope in reversed(mc.frames[-1].scopes):
            if name in scope:
                old = scope[name]
                break
        else:
            return mc.store(target, value, vtype, m, span)
        if old.__class__ is not _ndarray or value.__class__ is not _ndarray:
            if isinstance(old, Cell):
                return mc.store_at(old.ptr, t, value, vtype, m, span)
            return mc.store(target, value, vtype, m, span)
        value = conv(value)
        if value.__class__ is not _ndarray:           # (convert returns arrays; keep the check)
            return mc.store(target, value, vtype, m, span)
        if mc.popcount(m) == mc.L and m.ndim == 1:
            scope[name] = np.broadcast_to(value, _shape(old, value)).copy() \
                if value.shape != old.shape else value
        elif value.shape == old.shape and old.ndim == 1 and m.shape == old.shape:
            scope[name] = np.where(m, value, old)
        else:
            mc.assign_var(name, value, m, t)
    return f


def _c_decl(cache, s: ir.Decl):
    """`T x = v;` / `T x;` of a scalar register variable (others: Machine.s_Decl)."""
    t = s.type
    if not isinstance(t, Scalar) or s.space in MEMORY_SPACES or s.ctor_args is not None or \
            isinstance(s.init, ir.InitList):
        return None
    name, zero_dtype = s.name, np_dtype(t)
    if s.init is None:
        def f(mc, m):
            scope = mc.frames[-1].scopes[-1]
            value = np.zeros((), zero_dtype)
            if name in scope and not m.all():
                mc.assign_var(name, value, m, t)
            else:
                scope[name] = value
        return f
    fi, src, span = compile_expr(cache, s.init), s.init.type, s.init.span
    conv = _fast_convert(_dtype(src), t.dtype)

    def f(mc, m):
        scope = mc.frames[-1].scopes[-1]
        value = fi(mc, m)
        if value.__class__ is _ndarray:
            value = conv(value)
        else:
            value = mc.coerce(_asarray(value) if isinstance(value, _npscalar) else value, src, t, span)
        if name in scope and isinstance(value, _ndarray) and not m.all():
            mc.assign_var(name, value, m, t)
        else:
            scope[name] = value
    return f


_STMT_BUILDERS = {ir.ExprStmt: _c_exprstmt, ir.Assign: _c_assign, ir.Decl: _c_decl}
