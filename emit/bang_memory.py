"""Per-task memory of a BANG kernel (emit/bang.py): what a block body of the canonical form
declares or allocates, placed where one task can keep it across its blocks.

Before: the body of one top-level parallel loop, with arrays declared anywhere in it (per block
        or per thread of the source) and `malloc`s of scratch buffers (CUDA dynamic shared memory).
After:  the body without those declarations; `decls` declares them at kernel scope: `__nram__`
        arrays while the total fits the NRAM budget (bang.md §3, §13.9: every `__nram__` array of
        a kernel is allocated statically), else pointers to this task's slice of a GDRAM scratch
        buffer (`scratch_bytes` per task; array indices flattened). A `malloc(size)` whose size
        the host can evaluate becomes a slice of its own GDRAM buffer (`dynamic`: the host
        computes the size per task and allocates taskDim of them); its `free` disappears.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, child_statements, const, transform, walk
from xpiler.types import Array, DType, I32, I64, Pointer, Space, Type, scalar, sizeof

from .offload import ALLOC, SIMD, Site
from .scoped import Scoped, map_top_down

ALIGN = 64                                   # bang.md §3: GDRAM is read in 64-byte units
CHAR_PTR = Pointer(scalar(DType.I8))
TASK_ID = ir.Builtin("taskId", I32)
PRIVATE_BYTES = 256    # an array declared in such a loop stays there (one per iteration) up to this size


def cannot(span, what: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to bang")


class TaskMemory:
    def __init__(self, site: Site, fresh: Callable[[str], str], nram_budget: int):
        self.site = site
        self.fresh = fresh
        self.budget = nram_budget
        self.scratch = ir.Var(fresh("__scratch"), CHAR_PTR)
        self.decls: list[ir.Decl] = []
        self.scratch_bytes = 0
        self.dynamic: list[tuple[ir.Var, ir.Var, ir.Expr]] = []   # (buffer, bytes per task, size)

    def run(self, body: ir.Block) -> ir.Block:
        body = self.allocations(body)
        body = self.rename_arrays(body)
        body, arrays = self.hoist(body)
        in_gdram = self.place(arrays)
        return self.flatten(body, in_gdram) if in_gdram else body

    def params(self) -> tuple[ir.Param, ...]:
        out = (ir.Param(self.scratch.name, CHAR_PTR),) if self.scratch_bytes else ()
        return out + tuple(ir.Param(v.name, v.type) for buf, stride, _ in self.dynamic for v in (buf, stride))

    # malloc in the body -------------------------------------------------------------------------
    def allocations(self, body: ir.Block) -> ir.Block:
        memory_calls = {n.callee for n in walk(body) if isinstance(n, ir.Call)} & \
            (set(ALLOC) | {"free", "memcpy", "memset"})
        if not memory_calls:
            return body                             # nothing for `fix` below to rewrite or refuse
        inside = {n.name for n in walk(body) if isinstance(n, ir.Decl)} | {self.site.var}
        buffers: set[str] = set()
        if memory_calls & set(ALLOC):               # else no loop has one
            for loop in walk(body):
                for n in walk(loop.body) if isinstance(loop, (ir.For, ir.While)) else ():
                    if isinstance(n, ir.Call) and n.callee in ALLOC:
                        raise cannot(n.span, "a malloc in a loop of a kernel")

        def slice_of(call: ir.Call, t: Type) -> ir.Expr:
            size = call.args[ALLOC[call.callee]]
            if any(isinstance(n, ir.Var) and n.name in inside for n in walk(size)):
                raise cannot(call.span, "a malloc in a kernel whose size is not known before the launch")
            buf = ir.Var(self.fresh("__dyn"), CHAR_PTR)
            stride = ir.Var(self.fresh(buf.name + "_bytes"), I64)
            self.dynamic.append((buf, stride, size))
            return ir.Cast(ir.Binary("+", buf, binary("*", ir.Cast(TASK_ID, I64), stride), CHAR_PTR), t)

        def fix(n):
            if isinstance(n, ir.Decl) and _alloc(n.init) is not None:
                buffers.add(n.name)
                return dataclasses.replace(n, init=slice_of(_alloc(n.init), n.type))
            if isinstance(n, ir.Assign) and _alloc(n.value) is not None and isinstance(n.target, ir.Var):
                buffers.add(n.target.name)
                return dataclasses.replace(n, value=slice_of(_alloc(n.value), n.target.type))
            if isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and n.expr.callee == "free":
                arg = n.expr.args[0]
                while isinstance(arg, ir.Cast):
                    arg = arg.operand
                if isinstance(arg, ir.Var) and arg.name in buffers:
                    return ir.Block(())
            if isinstance(n, ir.Call) and n.callee in set(ALLOC) | {"free", "memcpy", "memset"}:
                raise cannot(n.span, f"{n.callee} in a kernel (only 'T* p = malloc(n);' and its free)")
            return None
        return map_top_down(body, fix)

    # arrays -------------------------------------------------------------------------------------
    def rename_arrays(self, body: ir.Block) -> ir.Block:
        """Give every array declared in the body a name no other declaration or parameter has, so
        that it can move to kernel scope (scoped: only the uses it reaches are renamed)."""
        counts: dict[str, int] = {}
        for n in walk(body):
            if isinstance(n, ir.Decl):
                counts[n.name] = counts.get(n.name, 0) + 1
        clash = {name for name, c in counts.items() if c > 1} | {p.name for p in self.site.params} | {self.site.var}
        fresh = self.fresh

        class Rename(Scoped):
            def decl(self, d: ir.Decl, env: dict) -> ir.Decl:
                if isinstance(d.type, Array) and d.name in clash:
                    env[d.name] = ir.Var(fresh(d.name), d.type, d.span)
                    return dataclasses.replace(d, name=env[d.name].name)
                env[d.name] = None
                return d
        return Rename().run(body)

    def hoist(self, body: ir.Block) -> tuple[ir.Block, list[ir.Decl]]:
        """Remove array declarations from the body (initialisers become element assignments).

        An array declared in the body of a loop marked independent (`omp simd`) is one copy per
        iteration: a small one (at most PRIVATE_BYTES, such as the lanes of a scalarized vector)
        stays a local array there; a larger one moves to kernel scope, where all iterations share
        it, so the loop loses the mark."""
        arrays: list[ir.Decl] = []
        in_simd = _arrays_in_simd_bodies(body)
        private = {id(d) for found in in_simd.values() for d in found
                   if d.ctor_args is None and (sizeof(d.type) or PRIVATE_BYTES + 1) <= PRIVATE_BYTES}

        def shared_by_iterations(n):
            if isinstance(n, ir.For) and SIMD in n.pragmas and any(id(d) not in private for d in in_simd[id(n)]):
                return dataclasses.replace(n, pragmas=tuple(p for p in n.pragmas if p != SIMD))
            return None
        body = map_top_down(body, shared_by_iterations)

        def fix(n):
            if not (isinstance(n, ir.Decl) and isinstance(n.type, Array)) or id(n) in private:
                return n
            if n.type.size is None or n.ctor_args is not None or sizeof(n.type) is None:
                raise cannot(n.span, f"the array '{n.name}' of unknown size")
            arrays.append(n)
            if n.init is None:
                return []
            return _init_assignments(ir.Var(n.name, n.type), n.type, n.init, n.span)
        return transform(body, fix), arrays

    def place(self, arrays: list[ir.Decl]) -> dict[str, Array]:
        """NRAM declarations while they fit, GDRAM scratch slices for the rest (each 64-byte
        aligned; the task's part of the buffer starts at taskId * scratch_bytes)."""
        nram, gdram, used = [], [], 0
        for d in arrays:
            if used + sizeof(d.type) <= self.budget:
                used += sizeof(d.type)
                nram.append(ir.Decl(d.name, _in_space(d.type, Space.NRAM), None, space=Space.NRAM, span=d.span))
            else:
                gdram.append(d)
        offsets = []
        for d in gdram:
            offsets.append(self.scratch_bytes)
            self.scratch_bytes += -(-sizeof(d.type) // ALIGN) * ALIGN
        per_task = ir.Const(self.scratch_bytes, I64, str(self.scratch_bytes))
        task = binary("*", ir.Cast(TASK_ID, I64), per_task)
        self.decls = nram + [
            ir.Decl(d.name, Pointer(_element(d.type)),
                    ir.Cast(ir.Binary("+", self.scratch, binary("+", task, const(off)), CHAR_PTR),
                            Pointer(_element(d.type))), span=d.span) for d, off in zip(gdram, offsets)]
        return {d.name: d.type for d in gdram}

    def flatten(self, body: ir.Block, arrays: dict[str, Array]) -> ir.Block:
        """Index chains into GDRAM scratch arrays as one linear index into their pointer."""
        def fix(e):
            chain, base = [], e
            while isinstance(base, ir.Index):
                chain.append(base.index)
                base = base.base
            if not (isinstance(base, ir.Var) and base.name in arrays):
                return None
            dims = _dims(arrays[base.name])
            if len(chain) > len(dims):          # indexing the element (a pointer): inner part first
                return None
            if len(chain) < len(dims) - 1:
                raise cannot(getattr(e, "span", None), f"a partial index of the multi-dimensional array "
                                                      f"'{base.name}' placed in GDRAM")
            idx = [map_top_down(i, fix) for i in reversed(chain)]
            ptr = ir.Var(base.name, Pointer(_element(arrays[base.name])), base.span)
            linear = None
            for k, i in enumerate(idx):
                stride = 1
                for d in dims[k + 1:]:
                    stride *= d
                term = binary("*", i, const(stride)) if stride != 1 else i
                linear = term if linear is None else binary("+", linear, term)
            if len(idx) == len(dims):
                return ir.Index(ptr, linear, e.type, e.span)
            return ptr if linear is None else ir.Binary("+", ptr, linear, ptr.type)
        return map_top_down(body, fix)


def _arrays_in_simd_bodies(body: ir.Stmt) -> dict[int, list[ir.Decl]]:
    """The array declarations in the body of each loop marked `omp simd`, by the loop's id (one
    pass; declarations are statements, so expressions are not entered)."""
    found: dict[int, list[ir.Decl]] = {}

    def visit(s: ir.Stmt, loops: tuple) -> None:
        if isinstance(s, ir.Decl) and isinstance(s.type, Array):
            for loop in loops:
                found[id(loop)].append(s)
        if isinstance(s, ir.For):
            for x in s.init + s.step:
                visit(x, loops)
            if SIMD in s.pragmas:
                found.setdefault(id(s), [])
                loops = loops + (s,)
        for x in child_statements(s):
            visit(x, loops)
    visit(body, ())
    return found


def _alloc(e: ir.Expr | None) -> ir.Call | None:
    while isinstance(e, ir.Cast):
        e = e.operand
    return e if isinstance(e, ir.Call) and e.callee in ALLOC else None


def _element(t: Type) -> Type:
    """The scalar (or pointer) element of an array type; `restrict` dropped, it means nothing there."""
    while isinstance(t, Array):
        t = t.of
    return dataclasses.replace(t, restrict=False) if isinstance(t, Pointer) else t


def _in_space(t: Type, space: Space) -> Type:
    return Array(_in_space(t.of, space) if isinstance(t.of, Array) else t.of, t.size, space) \
        if isinstance(t, Array) else t


def _dims(t: Type) -> list[int]:
    dims = []
    while isinstance(t, Array):
        dims.append(t.size)
        t = t.of
    return dims


def _init_assignments(target: ir.Expr, t: Array, init: ir.Expr, span) -> list[ir.Stmt]:
    if not isinstance(init, ir.InitList):
        raise cannot(span, "an array initialised from an expression")
    if len(init.items) > t.size:
        raise cannot(span, "an array initialiser longer than the array")
    out = []
    for k in range(t.size):
        item = init.items[k] if k < len(init.items) else None
        place = ir.Index(target, const(k), t.of)
        if isinstance(t.of, Array):
            out += _init_assignments(place, t.of, item if item is not None else ir.InitList((), t.of), span)
        else:
            out.append(ir.Assign(place, None, item if item is not None else const(0), span))
    return out
