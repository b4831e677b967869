"""Offloading a canonical host entry: outline its parallel loop nests into kernels and move the
arrays they use to device memory. Target-neutral; an emitter supplies the runtime's spellings
(`Runtime`) and the statements of one launch.

Before: the canonical host entry (docs/canonical.md): plain C whose top-level `omp parallel for`
        loops are the kernels, with `malloc`/`memcpy`/`memset`/`free` on scratch buffers.
After:  `Offload`: the host entry with every declaration that shadows another renamed (so names
        say what they refer to), one `Site` per top-level parallel loop (its free variables become
        kernel parameters), and `host_function()`, which rebuilds the entry with device
        allocation, copies in the right direction, frees, a queue/stream, and the emitter's
        launch statements in place of each loop.

A pointer is a device pointer when every value it can hold comes from a `malloc` in the entry and
host code uses it only to copy, set, free or derive other pointers; a kernel using any other
pointer is refused (its extent, and so the size of a device copy, is unknown here).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Callable

from xpiler import ir
from xpiler.builtins import ENUM_CONSTANTS
from xpiler.diagnostics import XpilerError
from xpiler.inline import CallInliner
from xpiler.irutil import walk
from xpiler.types import Array, I32, Opaque, Pointer, Scalar, Type, Void

from .scoped import Scoped

PARALLEL = "omp parallel for"
# a loop whose iterations are independent, printed inside a kernel or a parallel region (vnni
# nested loops, BANG thread loops); the interpreter runs its iterations as lanes
SIMD = "omp simd"
VOID_PTR = Pointer(Void())
ALLOC = {"malloc": 0, "aligned_alloc": 1}         # allocator -> index of its size argument
COPIES = {"memcpy", "memset", "free"}


def is_parallel(s: ir.Stmt) -> bool:
    return isinstance(s, ir.For) and any(p.startswith(PARALLEL) for p in s.pragmas)


def cannot(span, what: str, target: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {target}")


@dataclass(frozen=True)
class Runtime:
    """A device runtime's spellings (cnrt, cuda, hip)."""
    target: str
    malloc: str
    memcpy: str
    memset: str
    free: str
    h2d: str
    d2h: str
    d2d: str
    queue_type: str
    queue_create: str
    queue_destroy: str
    # kernels use file-scope variables in place (CUDA/HIP `__device__`/`__constant__`); otherwise
    # a scalar one is a kernel parameter like any host variable (BANG)
    in_place_globals: bool = False

    def enum(self, name: str) -> ir.EnumConst:
        value, t = ENUM_CONSTANTS[name]
        return ir.EnumConst(name, value, t)


@dataclass(frozen=True)
class Site:
    """One top-level parallel loop `for (int var = 0; var < extent; var++) body` of the entry."""
    index: int
    name: str                              # kernel name: the source kernel's (`xpiler launch`)
    loop: ir.For
    var: str
    extent: ir.Expr
    params: tuple[ir.Param, ...]           # free variables, in order of first use


# ---- scoped renaming ----------------------------------------------------------------------------

class Uniquify(Scoped):
    """Rename host-level declarations that reuse a name declared before them, and declarations
    inside a parallel loop that shadow a name visible where the loop starts. Afterwards a name used
    in a loop and declared outside it means one variable, so free variables are plain names."""

    def __init__(self, fn: ir.Function):
        self.used = {p.name for p in fn.params} | {n.name for n in walk(fn.body)
                                                  if isinstance(n, (ir.Decl, ir.Var))}
        self.declared = {p.name for p in fn.params}
        self.kernel_visible: set[str] | None = None   # host names visible at the current loop

    def fresh(self, name: str) -> str:
        k = 1
        while f"{name}_{k}" in self.used:
            k += 1
        self.used.add(f"{name}_{k}")
        return f"{name}_{k}"

    def function(self, fn: ir.Function) -> ir.Function:
        return dataclasses.replace(fn, body=self.run(fn.body, {p.name: None for p in fn.params}))

    def decl(self, d: ir.Decl, env: dict) -> ir.Decl:
        if self.kernel_visible is None:
            clash = d.name in self.declared
            self.declared.add(d.name)
        else:
            clash = d.name in self.kernel_visible
        if not clash:
            env[d.name] = None
            return d
        new = self.fresh(d.name)
        env[d.name] = ir.Var(new, d.type, d.span)
        return dataclasses.replace(d, name=new)

    def loop(self, s: ir.For, env: dict) -> ir.For:
        outer = self.kernel_visible
        if outer is None and is_parallel(s):
            self.kernel_visible = set(env)
        try:
            return super().loop(s, env)
        finally:
            self.kernel_visible = outer


# ---- sites and free variables -------------------------------------------------------------------

def host_statements(stmt: ir.Stmt):
    """Statements of host code (pre-order), not descending into parallel loops."""
    yield stmt
    if is_parallel(stmt):
        return
    subs = []
    if isinstance(stmt, ir.Block):
        subs = list(stmt.stmts)
    elif isinstance(stmt, ir.If):
        subs = [stmt.then] + ([stmt.other] if stmt.other is not None else [])
    elif isinstance(stmt, ir.For):
        subs = list(stmt.init) + list(stmt.step) + [stmt.body]
    elif isinstance(stmt, ir.While):
        subs = [stmt.body]
    elif isinstance(stmt, ir.Switch):
        subs = [x for c in stmt.cases for x in c.body]
    for s in subs:
        yield from host_statements(s)


def loop_shape(loop: ir.For, target: str) -> tuple[str, ir.Expr]:
    """(counter, extent) of a loop in the normal form `for (int v = 0; v < extent; v++)`."""
    ok = len(loop.init) == 1 and isinstance(loop.init[0], ir.Decl) and len(loop.step) == 1
    if ok:
        v = loop.init[0].name
        init, cond, step = loop.init[0].init, loop.cond, loop.step[0]
        ok = (isinstance(init, ir.Const) and init.value == 0 and isinstance(cond, ir.Binary)
              and cond.op == "<" and isinstance(cond.left, ir.Var) and cond.left.name == v
              and isinstance(step, ir.Assign) and isinstance(step.target, ir.Var) and step.target.name == v
              and step.op == "+" and isinstance(step.value, ir.Const) and step.value.value == 1)
    if not ok:
        raise cannot(loop.span, "a parallel loop not in the form 'for (int v = 0; v < n; v++)'", target)
    return v, cond.right


def free_variables(loop: ir.For, target: str, outside: set[str] = frozenset()) -> tuple[ir.Param, ...]:
    """The loop's free variables but `outside` (file-scope variables kernels use in place)."""
    declared = set(outside)
    names: list[ir.Var] = []                       # one walk: declarations and uses
    for n in walk(loop):
        if isinstance(n, ir.Decl):
            declared.add(n.name)
        elif isinstance(n, ir.Var):
            names.append(n)
    params: dict[str, Type] = {}
    for n in names:
        if n.name not in declared and n.name not in params:
            if isinstance(n.type, Array):
                raise cannot(n.span, f"a parallel loop using the host array '{n.name}'", target)
            params[n.name] = n.type
    for n in walk(loop.body):
        written = n.target if isinstance(n, ir.Assign) else n.operand if isinstance(n, ir.AddressOf) else None
        if isinstance(written, ir.Var) and written.name in params:
            raise cannot(n.span, f"a parallel loop that writes the host variable '{written.name}'", target)
    return tuple(ir.Param(name, t) for name, t in params.items())


def find_sites(entry: ir.Function, target: str, taken: set[str], outside: set[str] = frozenset()) -> list[Site]:
    """The top-level parallel loops of `entry`, named after their source kernels (`xpiler launch`)
    without clashing with `taken` or one another; `outside`: names that are no parameters."""
    sites, taken = [], set(taken)
    launch_name = None
    for s in host_statements(entry.body):
        if isinstance(s, ir.PragmaStmt) and s.text.startswith("xpiler launch "):
            launch_name = s.text.split()[-1]
        if is_parallel(s):
            var, extent = loop_shape(s, target)
            base = name = launch_name or f"{entry.name}_loop"
            k = 1
            while name in taken:
                k += 1
                name = f"{base}_{k}"
            taken.add(name)
            sites.append(Site(len(sites), name, s, var, extent, free_variables(s, target, outside)))
            launch_name = None
    return sites


# ---- device pointers ----------------------------------------------------------------------------

def pointer_root(e: ir.Expr) -> tuple[str | None, list[ir.Expr]]:
    """(variable a pointer expression points into, offset expressions); (None, [..]) if unknown."""
    offsets = []
    while True:
        if isinstance(e, ir.Cast) and isinstance(e.type, Pointer):
            e = e.operand
        elif isinstance(e, ir.Binary) and e.op in "+-" and isinstance(e.left.type, (Pointer, Array)):
            offsets.append(e.right)
            e = e.left
        elif isinstance(e, ir.Binary) and e.op == "+" and isinstance(e.right.type, (Pointer, Array)):
            offsets.append(e.left)
            e = e.right
        elif isinstance(e, ir.AddressOf) and isinstance(e.operand, ir.Index):
            offsets.append(e.operand.index)
            e = e.operand.base
        elif isinstance(e, ir.Var):
            return e.name, offsets
        else:
            return None, offsets + [e]


def _alloc_call(e: ir.Expr | None) -> ir.Call | None:
    while isinstance(e, ir.Cast):
        e = e.operand
    return e if isinstance(e, ir.Call) and e.callee in ALLOC else None


def _is_null(e: ir.Expr) -> bool:
    while isinstance(e, ir.Cast):
        e = e.operand
    return isinstance(e, ir.Const) and e.value == 0


class DevicePointers:
    """Which pointer variables of the host entry hold device memory (see the module docstring)."""

    def __init__(self, entry: ir.Function):
        self.parent: dict[str, str] = {}
        self.malloced: set[str] = set()
        self.tainted: set[str] = set()            # host roots or host uses
        for p in entry.params:
            if isinstance(p.type, Pointer):
                self.tainted.add(p.name)
        for s in host_statements(entry.body):
            if is_parallel(s):
                continue
            self.visit(s)
        self.device = {v for v in self.malloced if not (self.members(v) & self.tainted)}
        self.device = {v for root in self.device for v in self.members(root)}

    def find(self, v: str) -> str:
        while self.parent.get(v, v) != v:
            v = self.parent[v]
        return v

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[ra] = rb

    def members(self, v: str) -> set[str]:
        r = self.find(v)
        return {x for x in set(self.parent) | {v} | self.malloced | self.tainted if self.find(x) == r}

    def define(self, name: str, value: ir.Expr | None) -> None:
        if value is None or _is_null(value):
            return
        call = _alloc_call(value)
        if call is not None:
            self.malloced.add(name)
            self.use(call.args)
            return
        root, offsets = pointer_root(value)
        self.use(offsets)
        if root is None:
            self.tainted.add(name)
        else:
            self.union(name, root)

    def use(self, exprs) -> None:
        """Expressions evaluated on the host: every pointer variable in them is host-used."""
        for e in exprs:
            for n in walk(e):
                if isinstance(n, ir.Var) and isinstance(n.type, (Pointer, Array)):
                    self.tainted.add(n.name)

    def visit(self, s: ir.Stmt) -> None:
        if isinstance(s, ir.Decl) and isinstance(s.type, Pointer):
            self.define(s.name, s.init)
        elif isinstance(s, ir.Decl):
            self.use([s.init] if s.init is not None else list(s.ctor_args or ()))
        elif isinstance(s, ir.Assign) and isinstance(s.target, ir.Var) and isinstance(s.target.type, Pointer) \
                and s.op is None:
            self.define(s.target.name, s.value)
        elif isinstance(s, ir.Assign):
            self.use([s.target, s.value])
        elif isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee in COPIES:
            for a in s.expr.args:
                root, offsets = pointer_root(a)
                self.use(offsets if root is not None else [a])
        elif isinstance(s, ir.ExprStmt):
            self.use([s.expr])
        elif isinstance(s, (ir.If, ir.While)):
            self.use([s.cond])
        elif isinstance(s, ir.For):
            self.use([s.cond] if s.cond is not None else [])
        elif isinstance(s, ir.Switch):
            self.use([s.value])
        elif isinstance(s, ir.Return) and s.value is not None:
            self.use([s.value])

    def is_device(self, e: ir.Expr) -> bool:
        root, _ = pointer_root(e)
        return root in self.device


# ---- the host entry -----------------------------------------------------------------------------

class Offload:
    """The outlined view of a canonical module's host entry."""

    def __init__(self, canonical: ir.Module, runtime: Runtime):
        self.runtime = runtime
        canonical = inline_parallel_helpers(canonical, runtime.target)
        entries = [f for f in canonical.functions if f.extern_c and f.body is not None]
        if len(entries) != 1:
            raise XpilerError(None, f"cannot translate a canonical module with {len(entries)} host "
                                    f"entries to {runtime.target} (expected one)")
        self.entry = Uniquify(entries[0]).function(entries[0])
        self.helpers = [f for f in canonical.functions if f is not entries[0] and f.body is not None]
        self.globals = {g.name for g in canonical.globals if not is_constant(g)} if runtime.in_place_globals else set()
        self.sites = find_sites(self.entry, runtime.target, {f.name for f in canonical.functions}, self.globals)
        self.pointers = DevicePointers(self.entry)
        for site in self.sites:
            for p in site.params:
                if isinstance(p.type, Pointer) and p.name not in self.pointers.device:
                    raise XpilerError(site.loop.span, f"cannot translate the parallel loop of '{site.name}' to "
                                                      f"{runtime.target}: it uses the host array '{p.name}', whose "
                                                      f"size is unknown, so no device copy can be made")
        self._entry_names: set[str] | None = None
        self.queue = ir.Var(self.fresh("__queue"), Opaque(runtime.queue_type))

    def reachable(self, roots: list[ir.Function]) -> set[str]:
        """Names of the helpers that `roots` call, directly or through other helpers."""
        by_name = {f.name: f for f in self.helpers}
        seen, todo = set(), [n.callee for r in roots for n in walk(r) if isinstance(n, ir.Call)]
        while todo:
            name = todo.pop()
            if name in by_name and name not in seen:
                seen.add(name)
                todo += [n.callee for n in walk(by_name[name]) if isinstance(n, ir.Call)]
        return seen

    def fresh(self, name: str) -> str:
        """`name`, or `name<k>`, not a name of the entry (names returned before are not recorded)."""
        used = self._entry_names
        if used is None:                          # the entry is fixed: its names, collected once
            used = self._entry_names = {n.name for n in walk(self.entry.body) if isinstance(n, (ir.Decl, ir.Var))}
            used |= {p.name for p in self.entry.params}
        k, new = 0, name
        while new in used:
            k += 1
            new = f"{name}{k}"
        return new

    def host_function(self, launch: Callable[[Site], list[ir.Stmt]]) -> ir.Function:
        """The entry rewritten for the device; `launch(site)` gives the statements of a launch."""
        rt = self.runtime
        by_loop = {id(site.loop): site for site in self.sites}

        def stmt(s):
            # parallel loops first (they are replaced whole, their bodies are not host code)
            if is_parallel(s) and id(s) in by_loop:
                return launch(by_loop[id(s)])
            if isinstance(s, ir.Block):
                return [ir.Block(tuple(x for y in s.stmts for x in _as_list(stmt(y))), s.span)]
            if isinstance(s, ir.If):
                return [ir.If(s.cond, _one(stmt(s.then)), _one(stmt(s.other)) if s.other is not None else None, s.span)]
            if isinstance(s, (ir.For, ir.While)):
                return [dataclasses.replace(s, body=_one(stmt(s.body)))]
            if isinstance(s, ir.Switch):
                return [dataclasses.replace(s, cases=tuple(
                    ir.Case(c.values, tuple(x for y in c.body for x in _as_list(stmt(y)))) for c in s.cases))]
            if isinstance(s, ir.PragmaStmt) and (s.text.startswith("xpiler launch ") or s.text.startswith("omp ")):
                return []
            if isinstance(s, ir.Return):
                return [self.destroy(), s]
            return self.memory(s)

        body = [x for y in self.entry.body.stmts for x in _as_list(stmt(y))]
        if self.sites:
            body = [ir.Decl(self.queue.name, self.queue.type),
                    ir.ExprStmt(ir.Call(rt.queue_create, (ir.AddressOf(self.queue, Pointer(self.queue.type)),),
                                        Opaque("status")))] + body
            if not (body and isinstance(body[-1], ir.Return)):
                body.append(self.destroy())
        return ir.Function(self.entry.name, ir.FuncKind.HOST, self.entry.ret, self.entry.params,
                           ir.Block(tuple(body), self.entry.body.span), frozenset(), True, (), (),
                           self.entry.span)

    def destroy(self) -> ir.Stmt:
        return ir.ExprStmt(ir.Call(self.runtime.queue_destroy, (self.queue,), Opaque("status")))

    def memory(self, s: ir.Stmt) -> list[ir.Stmt]:
        """Allocation, copies and frees of device buffers as runtime calls."""
        rt, dev = self.runtime, self.pointers
        status = Opaque("status")
        if isinstance(s, ir.Decl) and _alloc_call(s.init) is not None and s.name in dev.device:
            var = ir.Var(s.name, s.type)
            return [dataclasses.replace(s, init=None), self.malloc(var, _alloc_call(s.init))]
        if isinstance(s, ir.Assign) and isinstance(s.target, ir.Var) and _alloc_call(s.value) is not None \
                and s.target.name in dev.device:
            return [self.malloc(s.target, _alloc_call(s.value))]
        if not (isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call)):
            for n in walk(s):
                if isinstance(n, ir.Call) and (n.callee in COPIES or n.callee in ALLOC) and \
                        any(dev.is_device(a) for a in n.args):
                    raise cannot(n.span, f"a {n.callee} of device memory inside an expression", rt.target)
            return [s]
        c = s.expr
        if c.callee == "memcpy" and (dev.is_device(c.args[0]) or dev.is_device(c.args[1])):
            kind = {(True, False): rt.h2d, (False, True): rt.d2h, (True, True): rt.d2d}[
                (dev.is_device(c.args[0]), dev.is_device(c.args[1]))]
            args = (_void(c.args[0]), _void(c.args[1]), c.args[2], rt.enum(kind))
            return [ir.ExprStmt(ir.Call(rt.memcpy, args, status, (), c.span), s.span)]
        if c.callee == "memset" and dev.is_device(c.args[0]):
            return [ir.ExprStmt(ir.Call(rt.memset, (_void(c.args[0]),) + c.args[1:], status, (), c.span), s.span)]
        if c.callee == "free" and dev.is_device(c.args[0]):
            return [ir.ExprStmt(ir.Call(rt.free, (_void(c.args[0]),), status, (), c.span), s.span)]
        return [s]

    def malloc(self, var: ir.Var, call: ir.Call) -> ir.Stmt:
        size = call.args[ALLOC[call.callee]]
        where = ir.Cast(ir.AddressOf(var, Pointer(var.type)), Pointer(VOID_PTR))
        return ir.ExprStmt(ir.Call(self.runtime.malloc, (where, size), Opaque("status"), (), call.span))


def inline_parallel_helpers(canonical: ir.Module, target: str) -> ir.Module:
    """Inline, into the parallel loops of the host entry, the helpers they call that contain
    parallel loops themselves (a BANG `__mlu_func__` over a tile, a vnni `static inline` row
    copy): those loops become parts of the kernel like any other. Helpers called from host code
    stay host functions; a helper no longer called is dropped."""
    def parallel(f: ir.Function) -> bool:
        return not f.extern_c and f.body is not None and any(is_parallel(n) for n in walk(f.body))
    entries = [f for f in canonical.functions if f.extern_c and f.body is not None]
    if len(entries) != 1 or not any(parallel(f) for f in canonical.functions):
        return canonical
    inliner = CallInliner(canonical, parallel, "a call of a function with parallel loops in a condition", target)

    def host(s: ir.Stmt) -> ir.Stmt:
        if is_parallel(s):
            return _one(list(inliner.run(ir.Block((s,), s.span)).stmts))
        if isinstance(s, ir.Block):
            return ir.Block(tuple(host(x) for x in s.stmts), s.span)
        if isinstance(s, ir.If):
            return ir.If(s.cond, host(s.then), host(s.other) if s.other is not None else None, s.span)
        if isinstance(s, (ir.For, ir.While)):
            return dataclasses.replace(s, body=host(s.body))
        return s
    entry = dataclasses.replace(entries[0], body=host(entries[0].body))
    functions = [entry if f is entries[0] else f for f in canonical.functions]
    called = {n.callee for f in functions if f.body is not None and not parallel(f)
              for n in walk(f.body) if isinstance(n, ir.Call)}
    while True:                       # helpers called by kept parallel helpers stay too
        more = {n.callee for f in functions if f.name in called and f.body is not None
                for n in walk(f.body) if isinstance(n, ir.Call)} - called
        if not more:
            break
        called |= more
    return dataclasses.replace(canonical, functions=tuple(f for f in functions if not parallel(f) or f.name in called))


def is_constant(g: ir.Decl) -> bool:
    """A file-scope scalar constant (`constexpr int N = 64;`): a value, not a variable."""
    return bool(g.storage & {"const", "constexpr"}) and isinstance(g.type, Scalar) and g.init is not None


def _void(e: ir.Expr) -> ir.Expr:
    return ir.Cast(e, VOID_PTR)


def _as_list(x) -> list:
    return x if isinstance(x, list) else [x]


def _one(x) -> ir.Stmt:
    x = _as_list(x)
    return x[0] if len(x) == 1 else ir.Block(tuple(x))


def const(value: int) -> ir.Const:
    return ir.Const(value, I32, str(value))
