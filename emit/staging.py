"""Stage the host arrays that kernels use through scratch buffers, so that offloading can move
them to device memory. Canonical form -> canonical form; target-neutral (cuda, hip and bang use
it before `Offload`).

Before: a canonical host entry whose parallel loops use the caller's arrays directly (a vnni
        kernel: `for (...) c[i] = a[i] + b[i];` on its pointer parameters), or host-local
        arrays (`float vscale[16]` filled on the host, read by a parallel loop), or file-scope
        arrays (a lifted `__constant__` array the entry fills with memcpy; BANG only, see
        IN_PLACE_GLOBALS).
After:  every such array `x` has a scratch buffer `x_dev = malloc(bytes)` made at the start of the
        entry; each parallel loop uses `x_dev` instead of `x`, with `memcpy(x_dev, x, bytes)`
        before it and `memcpy(x, x_dev, bytes)` after it when it may write `x`; copies between
        two loops that no host statement in between touches are dropped; the buffers are freed
        before every return. `Offload` then sees scratch buffers only and makes them device
        buffers with runtime copies.

The extent of a pointer parameter (how many elements the caller passes) is not in the program;
`extent_of(name)` supplies it as an expression of the entry's parameters (the pipeline derives
it by probing the source in the interpreter, `oracle/extents.py`). A parameter without an
extent is refused with a positioned error.
"""
from __future__ import annotations

import dataclasses
from typing import Callable

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import children, walk
from xpiler.types import BOOL, I32, U64, Array, Pointer, Scalar, Type, Void

from .offload import ALLOC, VOID_PTR, Uniquify, inline_parallel_helpers, DevicePointers, host_statements, is_parallel, pointer_root
from .scoped import free_vars, substitute

ExtentOf = Callable[[str], "ir.Expr | None"]
# targets whose kernels use the canonical form's file-scope arrays in place (`__constant__` /
# `__device__` variables the host fills with *MemcpyToSymbol: emit/simt.py); for the others a
# file-scope array a kernel uses is staged like a host-local one (BANG: a GDRAM copy, a parameter)
IN_PLACE_GLOBALS = {"cuda", "hip"}


@dataclasses.dataclass(frozen=True)
class Staged:
    host: str
    device: ir.Var
    elem: Type
    nbytes: ir.Expr
    read_only: bool


def host_arrays(entry: ir.Function, device: set[str]) -> dict[str, tuple[ir.Var, ir.For]]:
    """Arrays (pointer parameters, local arrays, host buffers from malloc) that a parallel loop
    uses but that are not scratch buffers already: name -> (a use, the first loop using it)."""
    found: dict[str, tuple[ir.Var, ir.For]] = {}
    for s in host_statements(entry.body):
        if not is_parallel(s):
            continue
        for name, v in free_vars(s).items():
            if name not in found and name not in device and isinstance(v.type, (Array, Pointer)):
                found[name] = (v, s)
    return found


def data_indexed(loops: list[ir.Stmt]) -> set[str]:
    """Arrays some loop indexes with values read from memory (a gather's table): their touched
    extent depends on the data, not on the sizes. Flow-insensitive: a local variable depends on
    data when any value assigned to it does, or when it counts a loop whose bound does."""
    dep: set[str] = set()
    alias: dict[str, tuple[str, list[ir.Expr]]] = {}        # local pointer -> (root, offsets)
    defs: list[tuple[str, ir.Expr]] = []
    local_arrays: set[str] = set()
    stores: list[tuple[str, ir.Expr]] = []                  # (array, value stored into it)
    for loop in loops:
        for n in walk(loop):
            if isinstance(n, ir.Decl) and isinstance(n.type, Array):
                local_arrays.add(n.name)
            if isinstance(n, ir.Decl) and n.init is not None:
                defs.append((n.name, n.init))
            elif isinstance(n, ir.Assign) and isinstance(n.target, ir.Var):
                defs.append((n.target.name, n.value))
            elif isinstance(n, ir.Assign) and isinstance(n.target, (ir.Index, ir.Deref)):
                root = pointer_root(_address(n.target))[0]
                if root is not None:
                    stores.append((root, n.value))
            elif isinstance(n, ir.For) and n.cond is not None:
                for v in n.init:
                    if isinstance(v, ir.Decl):
                        defs.append((v.name, n.cond))
            if isinstance(n, ir.Decl) and isinstance(n.type, Pointer) and n.init is not None:
                alias[n.name] = pointer_root(n.init)
    defs += [(root, value) for root, value in stores if root in local_arrays]   # a local array holds data

    def depends(e: ir.Expr) -> bool:
        """Whether `e` reads caller memory, or a local that holds values read from it. An address
        (`&x[b * n]`, `x + off`) reads nothing: only its offsets and its base pointer count."""
        if isinstance(e, ir.Var):
            return e.name in dep
        if isinstance(e.type, (Pointer, Array)) and not isinstance(e, (ir.Index, ir.Deref)):
            root, offsets = pointer_root(e)
            if root is not None:
                return root in dep or any(depends(o) for o in offsets)
        if isinstance(e, (ir.Index, ir.Deref)):
            root = pointer_root(_address(e))[0]
            while root in alias:
                root = alias[root][0]
            if root not in local_arrays:
                return True
        return any(depends(c) for c in children(e) if isinstance(c, ir.Expr))
    changed = True
    while changed:
        changed = False
        for name, value in defs:
            if name not in dep and depends(value):
                dep.add(name)
                changed = True

    def root_of(e: ir.Expr) -> tuple[str | None, bool]:
        root, offsets = pointer_root(e)
        data = any(depends(o) for o in offsets)
        seen = set()
        while root in alias and root not in seen:
            seen.add(root)
            data = data or root in dep
            root, offsets = alias[root]
            data = data or any(depends(o) for o in offsets)
        return root, data
    found = set()
    for loop in loops:
        for n in walk(loop):
            if isinstance(n, ir.Index) and isinstance(n.base.type, (Pointer, Array)):
                root, data = root_of(ir.AddressOf(n, Pointer(n.type)))
                if root is not None and data:
                    found.add(root)
    return found


LANES = 64          # a parallel loop of at most this many iterations is a vector operation


def wrap_serial_vector_loops(canonical: ir.Module) -> ir.Module:
    """A serial host loop whose only parallelism is vector operations (a vnni scatter-add walks
    its rows in order, 16 lanes at a time) becomes one parallel iteration: one block or task runs
    the loop in order, its vector operations spread over threads, instead of one launch per
    vector operation with host pointers into the arrays."""
    from xpiler.constfold import fold
    entries = [f for f in canonical.functions if f.extern_c and f.body is not None]
    if len(entries) != 1:
        return canonical
    entry = entries[0]

    def vector_only(s: ir.Stmt) -> bool:
        loops = [n for n in walk(s) if is_parallel(n)]
        if not loops or is_parallel(s) or not isinstance(s, (ir.For, ir.While)):
            return False
        for loop in loops:
            cond = loop.cond
            bound = fold(cond.right) if isinstance(cond, ir.Binary) and cond.op == "<" else None
            if not isinstance(bound, int) or bound > LANES:
                return False
        return True
    return _run_once_where(canonical, entry, vector_only, "__once")


def _run_once_where(canonical: ir.Module, entry: ir.Function, pick, name: str) -> ir.Module:
    """`canonical` with each top-level statement of `entry` that `pick` accepts wrapped in a
    one-iteration parallel loop (counter `name`, made unique): one block or task runs it."""
    if not any(pick(s) for s in entry.body.stmts):
        return canonical
    used = {n.name for n in walk(entry.body) if isinstance(n, (ir.Decl, ir.Var))}
    while name in used:
        name += "_"
    counter = ir.Var(name, I32)
    zero, one = ir.Const(0, I32, "0"), ir.Const(1, I32, "1")

    def wrap(group: list[ir.Stmt]) -> ir.Stmt:
        return ir.For((ir.Decl(name, I32, zero),), ir.Binary("<", counter, one, BOOL),
                      (ir.Assign(counter, "+", one),), ir.Block(tuple(group), group[0].span),
                      ("omp parallel for",), group[0].span)
    stmts = list(entry.body.stmts)
    out: list[ir.Stmt] = []
    i = done = 0                                  # stmts[:done] are in `out`, wrapped or not
    while i < len(stmts):
        if not pick(stmts[i]):
            out.append(stmts[i])
            i += 1
            continue
        lo, hi = _carried_group(stmts, i, pick)
        if lo < done:                             # it would reach into the previous group
            lo, hi = i, i + 1
        del out[len(out) - (i - lo):]
        out.append(wrap(stmts[lo:hi]))
        i = done = hi
    body = ir.Block(tuple(out), entry.body.span)
    new = dataclasses.replace(entry, body=body)
    return dataclasses.replace(canonical, functions=tuple(new if f is entry else f for f in canonical.functions))


def _carried_group(stmts: list[ir.Stmt], i: int, pick) -> tuple[int, int]:
    """The run `stmts[lo:hi]` that must run as one with the picked `stmts[i]`: a loop that
    writes a scalar declared before it at top level (`int r = 0; for (; r + 4 <= n; r += 4)
    ...; for (; r < n; ++r) ...`) takes along the declaration and every later statement that
    uses the scalar, so the scalar lives on the device. Just `stmts[i]` when it writes none, or
    when the run would take a statement that is neither picked nor plain serial code."""
    decls = {s.name: k for k, s in enumerate(stmts) if isinstance(s, ir.Decl) and isinstance(s.type, Scalar)}
    lo, hi = i, i + 1
    done: set[str] = set()
    while True:
        carried = {n.target.name for s in stmts[lo:hi] for n in walk(s)
                   if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)
                   and decls.get(n.target.name, hi) < lo} - done
        if not carried:
            break
        done |= carried
        lo = min(lo, *(decls[v] for v in carried))
        uses = [k for k in range(hi, len(stmts)) if any(isinstance(n, ir.Var) and n.name in done
                                                        for n in walk(stmts[k]))]
        hi = max(hi, *(k + 1 for k in uses)) if uses else hi
    for s in stmts[lo:hi]:
        if pick(s) or isinstance(s, ir.Decl) and isinstance(s.type, Scalar):
            continue
        if any(isinstance(n, (ir.Return, ir.PragmaStmt, ir.Launch)) or is_parallel(n) for n in walk(s)):
            return i, i + 1
    return lo, hi


def wrap_serial_memory_loops(canonical: ir.Module) -> ir.Module:
    """A C source's top-level serial loop over memory (the dependence analysis found no
    independent iterations: a prefix sum, a loop carrying a scratch array) becomes one parallel
    iteration, so that it runs on the device as one thread or task, in order, on device copies
    of the arrays, instead of on the host in a GPU or MLU port. Slow, but a port: the output
    launches its work. Only loops that the device can run and that pass nothing out through
    scalars: no `return`, no allocation, no call but the module's functions and math, and no
    assignment to a variable declared before the loop."""
    from xpiler.intrinsics import lookup
    entries = [f for f in canonical.functions if f.extern_c and f.body is not None]
    if len(entries) != 1:
        return canonical
    entry = entries[0]
    helpers = {f.name for f in canonical.functions if f.body is not None}

    def runnable(s: ir.Stmt) -> bool:
        if not isinstance(s, (ir.For, ir.While)) or is_parallel(s) or any(is_parallel(n) for n in walk(s)):
            return False
        nodes = list(walk(s))
        if not any(isinstance(n, (ir.Index, ir.Deref)) for n in nodes):
            return False
        declared = {n.name for n in nodes if isinstance(n, ir.Decl)}
        for n in nodes:
            if isinstance(n, (ir.Return, ir.PragmaStmt, ir.Launch)):
                return False
            if isinstance(n, ir.Call):
                entry_ = lookup(n.callee)
                if n.callee not in helpers and not (entry_ is not None and entry_.family == "math"):
                    return False
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in declared:
                return False
            if isinstance(n, ir.AddressOf):
                return False
        return True
    return _run_once_where(canonical, entry, runnable, "__serial")


def _top_level_decls(entry: ir.Function) -> dict[str, ir.Decl]:
    return {s.name: s for s in entry.body.stmts if isinstance(s, ir.Decl)}


def written_in(loop: ir.Stmt, name: str) -> bool:
    """Whether `loop` may write through `name`: an assignment rooted at it, or any call or
    pointer taken from it (a helper may write)."""
    for n in walk(loop):
        if isinstance(n, ir.Assign) and pointer_root(_address(n.target))[0] == name:
            return True
        if isinstance(n, ir.Call) and any(pointer_root(a)[0] == name for a in n.args
                                          if isinstance(a.type, (Pointer, Array))):
            return True
        if isinstance(n, ir.Decl) and isinstance(n.type, Pointer) and n.init is not None \
                and not n.type.const and pointer_root(n.init)[0] == name:
            return True
    return False


def _address(target: ir.Expr) -> ir.Expr:
    if isinstance(target, ir.Index):
        return ir.AddressOf(target, Pointer(target.type))
    if isinstance(target, ir.Deref):
        return target.operand
    return target


def stage_host_arrays(canonical: ir.Module, extent_of: ExtentOf, target: str,
                      given: set[str] = frozenset(), serial_to_device: bool = False) -> ir.Module:
    """`given`: parameters whose extent the user stated (used even for gathered arrays);
    `serial_to_device`: a C source's serial loops over memory run on the device too
    (wrap_serial_memory_loops)."""
    canonical = inline_parallel_helpers(canonical, target)      # their loops are kernels too
    canonical = wrap_serial_vector_loops(canonical)
    if serial_to_device:
        canonical = wrap_serial_memory_loops(canonical)
    entries = [f for f in canonical.functions if f.extern_c and f.body is not None]
    if len(entries) != 1:
        return canonical                                   # Offload reports this
    entry = Uniquify(entries[0]).function(entries[0])     # one name, one variable (a launch block
    entry = _propagate_pointer_copies(entry)                # may redeclare a parameter's name)
    canonical = dataclasses.replace(canonical, functions=tuple(
        entry if f is entries[0] else f for f in canonical.functions))
    file_scope = {g.name: g for g in canonical.globals}
    in_place = set(file_scope) if target in IN_PLACE_GLOBALS else set()
    arrays = {name: found for name, found in host_arrays(entry, DevicePointers(entry).device).items()
              if name not in in_place}
    if not arrays:
        return canonical
    used = {n.name for n in walk(entry.body) if isinstance(n, (ir.Decl, ir.Var))} | {p.name for p in entry.params}
    params = {p.name for p in entry.params}
    decls = _top_level_decls(entry)
    gathered = data_indexed(_sites(entry))
    staged: dict[str, Staged] = {}
    placed: dict[int, list[str]] = {}                 # id(top-level decl) -> arrays allocated after it
    for name, (use, loop) in arrays.items():
        if isinstance(use.type, Array):
            types = {n.type for n in walk(entry.body) if isinstance(n, ir.Decl) and n.name == name}
            if name in file_scope and name not in decls:
                types.add(file_scope[name].type)         # a file-scope array (`__constant__ float w[72]`)
            if isinstance(use.type.of, Array) or not isinstance(use.type.of, Scalar) or use.type.size is None \
                    or len(types) != 1:
                raise XpilerError(use.span, f"cannot translate the parallel loop using the host array '{name}' "
                                            f"to {target}: only one-dimensional arrays of scalars, declared "
                                            f"with one type, are staged")
            elem = use.type.of
            nbytes = ir.Binary("*", ir.Const(use.type.size, U64, str(use.type.size)), ir.SizeOf(elem, U64), U64)
            read_only = not any(written_in(s, name) for s in _sites(entry))
            if name in decls:
                placed.setdefault(id(decls[name]), []).append(name)
        elif isinstance(use.type, Pointer) and name in decls and _alloc_size(decls[name].init) is not None:
            if any(isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name == name
                   for n in walk(entry.body)):
                # (a std::vector resized or assigned): the size the declaration allocates is not
                # the size at the loop
                raise XpilerError(use.span, f"cannot translate the parallel loop using the host buffer '{name}' "
                                            f"to {target}: the buffer is allocated again after its declaration")
            elem = use.type.to
            nbytes = _alloc_size(decls[name].init)
            read_only = not any(written_in(s, name) for s in _sites(entry))
            placed.setdefault(id(decls[name]), []).append(name)
        elif isinstance(use.type, Pointer) and name in params:
            elem = use.type.to
            if name in gathered and name not in given:
                raise XpilerError(loop.span, f"cannot translate the parallel loop using the array '{name}' to "
                                             f"{target}: it is indexed with values read from memory, so how many "
                                             f"elements the caller passes is not known and no device copy can "
                                             f"be made (state it: --extent {name}=EXPR)")
            extent = extent_of(name)
            if extent is None:
                raise XpilerError(loop.span, f"cannot translate the parallel loop using the array '{name}' to "
                                             f"{target}: its extent (how many elements the caller passes) could "
                                             f"not be derived from the size parameters, so no device copy can "
                                             f"be made (state it: --extent {name}=EXPR)")
            nbytes = ir.Binary("*", ir.Cast(extent, U64), ir.SizeOf(elem, U64), U64)
            read_only = use.type.const
        else:
            continue                                      # Offload refuses it, saying why
        dev = f"{name}_dev"
        k = 1
        while dev in used:
            k += 1
            dev = f"{name}_dev{k}"
        used.add(dev)
        staged[name] = Staged(name, ir.Var(dev, Pointer(elem)), elem, nbytes, read_only)
    if not staged:
        return canonical
    rewriter = _Rewriter(staged)
    body = rewriter.block(entry.body)
    stmts: list[ir.Stmt] = []
    for s in body.stmts:
        stmts.append(s)
        for name in placed.get(rewriter.origin.get(id(s), -1), []):
            stmts.append(_malloc(staged[name]))
    tops = [ir.Decl(st.device.name, st.device.type, ir.Cast(ir.Const(0, I32, "0"), st.device.type))
            for st in staged.values() if st.host not in decls]
    heads = [_malloc(st) for st in staged.values() if st.host not in decls]
    null_decls = [ir.Decl(st.device.name, st.device.type, ir.Cast(ir.Const(0, I32, "0"), st.device.type))
                  for st in staged.values() if st.host in decls]
    if not (stmts and isinstance(stmts[-1], ir.Return)):
        stmts += _frees(staged)
    new_body = [d for d in null_decls] + [ir.Decl(d.name, d.type, h.value) for d, h in zip(tops, heads)] + stmts
    new_entry = dataclasses.replace(entry, body=ir.Block(tuple(new_body), entry.body.span))
    return dataclasses.replace(canonical, functions=tuple(new_entry if f is entry else f
                                                          for f in canonical.functions))


def _propagate_pointer_copies(entry: ir.Function) -> ir.Function:
    """Replace host-level local pointers that only copy another pointer variable (`float* a =
    __arg0;`, as a lifted launch passes its arguments) by that variable, when the copy is declared
    once and neither is ever assigned: a parallel loop then names the caller's array itself, whose
    extent is known."""
    assigned = {n.target.name for n in walk(entry.body) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)}
    assigned |= {n.operand.name for n in walk(entry.body)
                 if isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var)}
    declared: dict[str, int] = {}
    for n in walk(entry.body):
        if isinstance(n, ir.Decl):
            declared[n.name] = declared.get(n.name, 0) + 1
    copies: dict[str, ir.Expr] = {}
    for n in host_statements(entry.body):           # host code: kernels keep their own names
        if isinstance(n, ir.Decl) and isinstance(n.type, Pointer) and isinstance(n.init, ir.Var) \
                and isinstance(n.init.type, Pointer) and n.init.type.to == n.type.to \
                and declared[n.name] == 1 and n.name not in assigned and n.init.name not in assigned:
            copies[n.name] = n.init
    if not copies:
        return entry
    for name in list(copies):                          # follow chains: a -> __arg0 -> A
        seen = {name}
        while isinstance(copies[name], ir.Var) and copies[name].name in copies and copies[name].name not in seen:
            seen.add(copies[name].name)
            copies[name] = copies[copies[name].name]

    def drop(s):
        if isinstance(s, ir.Decl) and s.name in copies:
            return []
        return s
    from xpiler.irutil import transform
    body = substitute(transform(entry.body, drop), copies)
    return dataclasses.replace(entry, body=body)


def _alloc_size(e: ir.Expr | None) -> ir.Expr | None:
    while isinstance(e, ir.Cast):
        e = e.operand
    if isinstance(e, ir.Call) and e.callee in ALLOC:
        return e.args[ALLOC[e.callee]]
    return None


def _malloc(st: Staged) -> ir.Assign:
    return ir.Assign(st.device, None, ir.Cast(ir.Call("malloc", (st.nbytes,), VOID_PTR), st.device.type))


def _sites(entry: ir.Function):
    return [s for s in host_statements(entry.body) if is_parallel(s)]


def _frees(staged: dict[str, Staged]) -> list[ir.Stmt]:
    return [ir.ExprStmt(ir.Call("free", (s.device,), Void())) for s in staged.values()]


def _copy(dst: ir.Expr, src: ir.Expr, nbytes: ir.Expr) -> ir.Stmt:
    return ir.ExprStmt(ir.Call("memcpy", (dst, src, nbytes), VOID_PTR))


class _Rewriter:
    """Host statements with every parallel loop wrapped in the copies of the arrays it uses."""

    def __init__(self, staged: dict[str, Staged]):
        self.staged = staged
        self.copies: dict[int, tuple[str, str]] = {}         # id(copy stmt) -> (in|out, host name)
        self.origin: dict[int, int] = {}                     # id(new stmt) -> id(the statement it came from)

    def block(self, b: ir.Block) -> ir.Block:
        out: list[ir.Stmt] = []
        for s in b.stmts:
            new = self.stmt(s)
            for n in new:
                self.origin.setdefault(id(n), id(s))
            out.extend(new)
        return ir.Block(tuple(self.drop_redundant(out)), b.span)

    def stmt(self, s: ir.Stmt) -> list[ir.Stmt]:
        if is_parallel(s):
            return self.site(s)
        if isinstance(s, ir.Block):
            return [self.block(s)]
        if isinstance(s, ir.If):
            return [ir.If(s.cond, self.one(s.then), self.one(s.other) if s.other is not None else None, s.span)]
        if isinstance(s, (ir.For, ir.While)):
            return [dataclasses.replace(s, body=self.one(s.body))]
        if isinstance(s, ir.Switch):
            return [dataclasses.replace(s, cases=tuple(
                ir.Case(c.values, tuple(x for y in c.body for x in self.stmt(y))) for c in s.cases))]
        if isinstance(s, ir.Return):
            return _frees(self.staged) + [s]
        return [s]

    def one(self, s: ir.Stmt) -> ir.Stmt:
        items = self.stmt(s)
        if len(items) == 1:
            return items[0]
        return self.block(ir.Block(tuple(items), s.span))

    def site(self, loop: ir.For) -> list[ir.Stmt]:
        names = [n for n in free_vars(loop) if n in self.staged]
        before, after = [], []
        for n in names:
            st = self.staged[n]
            host = ir.Var(n, st.device.type)
            c = _copy(st.device, host, st.nbytes)
            self.copies[id(c)] = ("in", n)
            before.append(c)
            if not st.read_only and written_in(loop, n):
                c = _copy(host, st.device, st.nbytes)
                self.copies[id(c)] = ("out", n)
                after.append(c)
        new = substitute(loop, {n: self.staged[n].device for n in names})
        return before + [new] + after

    def drop_redundant(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        """Drop `copy out x` ... `copy in x` pairs when nothing between can touch `x` on the host:
        only other copies, parallel loops not using `x`, and statements using no array at all."""
        drop: set[int] = set()
        for i, s in enumerate(stmts):
            if self.copies.get(id(s), ("",))[0] != "out":
                continue
            name = self.copies[id(s)][1]
            for j in range(i + 1, len(stmts)):
                t = stmts[j]
                if self.copies.get(id(t)) == ("in", name):
                    drop |= {i, j}
                    break
                if id(t) in self.copies and self.copies[id(t)][1] != name:
                    continue
                if is_parallel(t) and not _mentions(t, name):
                    continue
                if not _touches_memory(t, self.devices()):
                    continue
                break
        return [s for i, s in enumerate(stmts) if i not in drop]

    def devices(self) -> set[str]:
        return {s.device.name for s in self.staged.values()}


def _mentions(s: ir.Stmt, name: str) -> bool:
    return any(isinstance(n, ir.Var) and n.name == name for n in walk(s))


def _touches_memory(s: ir.Stmt, devices: set[str]) -> bool:
    """Whether a host statement uses an array or pointer (other than scratch buffers) or calls a
    function other than a math function."""
    from xpiler.intrinsics import lookup
    for n in walk(s):
        if isinstance(n, ir.Var) and isinstance(n.type, (Pointer, Array)) and n.name not in devices:
            return True
        if isinstance(n, ir.Call):
            entry = lookup(n.callee)
            if entry is None or entry.family != "math":
                return True
    return False
