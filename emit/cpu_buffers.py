"""Device buffers of a canonical host entry that alias the caller's arrays, for a CPU target (vnni).

On a CPU "device memory" is host memory, so the staging a GPU launcher does (allocate, copy in,
launch, copy out, free) only costs time: fresh pages and whole-array copies.

Before: in the top-level statements of the host entry (the `extern "C"` function),
          T* p = NULL;  p = (T*)malloc(S);      (or `T* p = (T*)malloc(S);`)
          memcpy(p, x, S);                       an optional copy in, from a pointer parameter x
          { ... launches using p ... }
          memcpy(y, p, S);                       an optional copy out, into a pointer parameter y
          free(p);
After:    T* p = NULL;  p = (T*)x;   (or y)      the copies and the free are gone; the launches
                                                 are unchanged
Exactly when it applies, for each such buffer p and host array h (x, y, or x == y):
  - p is declared at the top level of the entry and used only by top-level statements: its one
    allocation (`malloc`), then the copy in (if any) as its first use, launch blocks (compound
    statements in which p is only the initial value of pointer declarations, and that assign no
    variable declared outside them) and `memset(p, ...)`, then the copy out (if any), then
    `free(p)` (if any) last;
  - both copies are `memcpy` of the whole buffer: the same size expression S as the allocation
    (equal IR, no loads or calls), whose variables the entry never assigns, between p and h
    themselves (no offsets);
  - with a copy out, no `return` between the allocation and the copy out;
  - h is a pointer parameter the entry never assigns, pointing to T (const aside), and used by
    nothing but these copies (so nothing else reads or writes it while p lives, and no other
    buffer aliases it: one buffer per parameter);
  - with a copy in but no copy out, no launch writes p's memory (followed through every pointer
    derived from it; any store, call argument or conversion that might write counts as a write);
  - no launch views p through a pointer to a more strictly aligned type than T (`double*` over a
    `float` buffer): an allocation is aligned for it, the caller's array need not be. CUDA/HIP
    vector structs count as their lanes: the vnni emitter prints pointers to them as unaligned
    views (`float4_unaligned*`, emit/vnni.py), so a `float4*` view of a `float` array is fine;
  - a buffer with neither copy is scratch and stays.
Any other buffer (partial or offset copies, copied twice, reused, host reads in between, sizes
that differ) keeps its copies.
"""
from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field

from xpiler import ir
from xpiler.irutil import is_null, strip_casts, var_names, walk
from xpiler.types import Pointer, VecKind, Vector, Void, alignof, scalar

from .scoped import Scoped

ALLOCATORS = ("malloc",)


@dataclass
class _Buffer:
    decl: int                                   # top-level index of p's declaration
    type: Pointer
    alloc: int | None = None                    # index of the allocation
    size: ir.Expr | None = None
    copy_in: int | None = None
    copy_out: int | None = None
    free: int | None = None
    host: str | None = None                     # the parameter h
    launches: list[int] = field(default_factory=list)
    bad: bool = False


class _Uses(Scoped):
    """Which binding every name of a statement refers to (scope-aware): `env` maps a visible name
    to a key: ("param", name) or ("decl", k). `found` collects (key, var) per use."""

    counter = itertools.count()

    def __init__(self):
        self.found: list[tuple[tuple, ir.Var]] = []
        self.decls: dict[tuple, ir.Decl] = {}
        self.assigned: set[tuple] = set()

    def expr(self, e: ir.Expr, env: dict) -> ir.Expr:
        for n in walk(e):
            if isinstance(n, ir.Var):
                self.found.append((env.get(n.name, ("global", n.name)), n))
        return e

    def decl(self, d: ir.Decl, env: dict) -> ir.Decl:
        key = ("decl", next(self.counter))
        env[d.name] = key
        self.decls[key] = d
        return d

    def stmt(self, s: ir.Stmt, env: dict) -> ir.Stmt:
        if isinstance(s, ir.Assign) and isinstance(s.target, ir.Var):
            self.assigned.add(env.get(s.target.name, ("global", s.target.name)))
        return super().stmt(s, env)


def _alloc(e: ir.Expr | None) -> ir.Call | None:
    e = strip_casts(e) if e is not None else None
    return e if isinstance(e, ir.Call) and e.callee in ALLOCATORS and len(e.args) == 1 else None


def _same_pointee(a: Pointer, b) -> bool:
    return isinstance(b, Pointer) and a.to == b.to and a.space == b.space


def alias_host_buffers(module: ir.Module) -> ir.Module:
    """`module` with the buffers of its host entries aliased (see the module docstring)."""
    return dataclasses.replace(module, functions=tuple(
        _Entry(f).rewrite() if f.extern_c and f.body is not None else f for f in module.functions))


class _Entry:
    def __init__(self, fn: ir.Function):
        self.fn = fn
        self.stmts = list(fn.body.stmts)
        env = {p.name: ("param", p.name) for p in fn.params}
        self.uses: list[set] = []
        self.all = _Uses()
        top_env = dict(env)
        self.top_keys: list[tuple | None] = []          # the key a top-level Decl binds
        for s in self.stmts:
            before = set(top_env.values())
            one = _Uses()
            one.decls, one.assigned = self.all.decls, self.all.assigned
            one.stmt(s, top_env)
            self.uses.append({k for k, _ in one.found})
            new = [k for k in top_env.values() if k not in before]
            self.top_keys.append(new[0] if isinstance(s, ir.Decl) and new else None)
        self.decls = self.all.decls
        self.assigned = self.all.assigned
        self.params = {p.name: p for p in fn.params}
        self._assignments: dict[str, int] | None = None
        self._launch_facts: dict[int, tuple[set[str], bool, set[str]]] = {}   # by id of the statement

    # ---- recognising ----------------------------------------------------------------------------
    def buffers(self) -> dict[tuple, _Buffer]:
        found: dict[tuple, _Buffer] = {}
        for i, s in enumerate(self.stmts):
            key = self.top_keys[i]
            if key is not None and isinstance(s.type, Pointer) and not s.storage:
                if _alloc(s.init) is not None or s.init is None or is_null(s.init):
                    b = _Buffer(i, s.type)
                    if _alloc(s.init) is not None:
                        b.alloc, b.size = i, _alloc(s.init).args[0]
                    found[key] = b
        return found

    def key_of(self, i: int, name: str):
        """The binding of `name` as used by top-level statement i (None when not used there)."""
        keys = {k for k in self.uses[i] if (k[0] == "param" and k[1] == name) or
                (k[0] == "decl" and self.decls[k].name == name)}
        return keys.pop() if len(keys) == 1 else None

    def classify(self, key: tuple, b: _Buffer) -> None:
        name = self.decls[key].name
        for i, s in enumerate(self.stmts):
            if i == b.decl or key not in self.uses[i]:
                continue
            if b.free is not None:                              # nothing after the free
                b.bad = True
                return
            call = s.expr if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) else None
            if isinstance(s, ir.Assign) and isinstance(s.target, ir.Var) and s.target.name == name \
                    and s.op is None and _alloc(s.value) is not None and b.alloc is None:
                b.alloc, b.size = i, _alloc(s.value).args[0]
            elif b.alloc is None:
                b.bad = True
                return
            elif call is not None and call.callee == "free" and len(call.args) == 1 \
                    and _is_var(call.args[0], name):
                b.free = i
            elif call is not None and call.callee == "memcpy" and len(call.args) == 3 \
                    and _is_var(call.args[0], name) and not b.launches and b.copy_in is None:
                b.copy_in = i
                if not self.host_side(b, i, call.args[1], call.args[2]):
                    return
            elif call is not None and call.callee == "memcpy" and len(call.args) == 3 \
                    and _is_var(call.args[1], name) and b.copy_out is None:
                b.copy_out = i
                if not self.host_side(b, i, call.args[0], call.args[2]):
                    return
            elif call is not None and call.callee == "memset" and len(call.args) == 3 \
                    and _is_var(call.args[0], name) and b.copy_out is None:
                b.launches.append(i)                            # a write, like a launch's
            elif isinstance(s, (ir.Block, ir.For, ir.If, ir.While)) and b.copy_out is None \
                    and self.launch_use(s, key, name):
                b.launches.append(i)
            else:
                b.bad = True
                return
        if b.alloc is None or key in self.assigned and not self._assigned_once(key, b):
            b.bad = True

    def _assigned_once(self, key, b: _Buffer) -> bool:
        # the allocation is p's only assignment: counted by classify (a second one is 'bad')
        name = self.decls[key].name
        n = sum(1 for s in self.stmts if isinstance(s, ir.Assign) and isinstance(s.target, ir.Var)
                and s.target.name == name)
        if self._assignments is None:             # assignments per variable name, counted once
            self._assignments = {}
            for s in self.stmts:
                for x in walk(s):
                    if isinstance(x, ir.Assign) and isinstance(x.target, ir.Var):
                        self._assignments[x.target.name] = self._assignments.get(x.target.name, 0) + 1
        return n <= 1 and self._assignments.get(name, 0) == n

    def host_side(self, b: _Buffer, i: int, other: ir.Expr, size: ir.Expr) -> bool:
        """The other end of a copy is a whole pointer parameter; the size is the allocation's."""
        h = strip_casts(other)
        ok = isinstance(h, ir.Var) and h.name in self.params and self.key_of(i, h.name) == ("param", h.name) \
            and (b.host is None or b.host == h.name) and size == b.size \
            and not any(isinstance(n, (ir.Call, ir.MethodCall, ir.Index, ir.Deref)) for n in walk(size)) \
            and all(self.key_of(i, v.name) is None or self.key_of(i, v.name) not in self.assigned
                    for v in walk(size) if isinstance(v, ir.Var))
        if ok:
            b.host = h.name
        else:
            b.bad = True
        return ok

    def launch_use(self, s: ir.Stmt, key: tuple, name: str) -> bool:
        """p appears in `s` only as the initial value of pointer declarations, and `s` assigns no
        variable declared outside it."""
        facts = self._launch_facts.get(id(s))
        if facts is None:
            facts = self._launch_facts[id(s)] = _launch_facts(s)
        inner, outer_assigned, barred = facts
        return not (name in inner or outer_assigned or name in barred)

    def host_used_only_by(self, host: str, indices: set[int]) -> bool:
        key = ("param", host)
        if key in self.assigned:
            return False
        return all(i in indices for i, u in enumerate(self.uses) if key in u)

    # ---- rewriting ------------------------------------------------------------------------------
    def rewrite(self) -> ir.Function:
        buffers = self.buffers()
        for key, b in buffers.items():
            self.classify(key, b)
        hosts: dict[str, int] = {}
        for b in buffers.values():
            if not b.bad and b.host is not None:
                hosts[b.host] = hosts.get(b.host, 0) + 1
        drop, replace = set(), {}
        for key, b in buffers.items():
            if b.bad or b.host is None or hosts[b.host] != 1:
                continue
            copies = {x for x in (b.copy_in, b.copy_out) if x is not None}
            if not self.host_used_only_by(b.host, copies):
                continue
            host_type = self.params[b.host].type
            if not _same_pointee(b.type, host_type):
                continue
            name = self.decls[key].name
            if b.copy_out is None and any(_writes(self.stmts[i], name) for i in b.launches):
                continue
            if any(_realigns(self.stmts[i], name, b.type.to) for i in b.launches):
                continue
            if b.copy_out is not None and any(isinstance(n, ir.Return) for i in range(b.alloc, b.copy_out)
                                              for n in walk(self.stmts[i])):
                continue                        # a return before the copy out leaves h as it was
            value = ir.Cast(ir.Var(b.host, host_type), b.type)
            old = self.stmts[b.alloc]
            if isinstance(old, ir.Decl):
                replace[b.alloc] = dataclasses.replace(old, init=value)
            else:
                replace[b.alloc] = dataclasses.replace(old, value=value)
            drop |= copies | ({b.free} if b.free is not None else set())
        if not replace:
            return self.fn
        stmts = tuple(replace.get(i, s) for i, s in enumerate(self.stmts) if i not in drop)
        return dataclasses.replace(self.fn, body=ir.Block(stmts, self.fn.body.span))


def _launch_facts(s: ir.Stmt) -> tuple[set[str], bool, set[str]]:
    """What `_Entry.launch_use` asks of `s`, for every buffer at once: (the names `s` declares,
    whether it assigns a variable declared outside it, the names it uses otherwise than as the
    initial value of a pointer declaration)."""
    nodes = list(walk(s))
    inner = {d.name for d in nodes if isinstance(d, ir.Decl)}
    outer_assigned, barred = False, set()
    for n in nodes:
        if isinstance(n, ir.Decl):
            init = var_names(n.init)
            if not (isinstance(n.type, Pointer) and n.init is not None and isinstance(strip_casts(n.init), ir.Var)):
                barred |= init
            if n.ctor_args:
                barred |= {v for a in n.ctor_args for v in var_names(a)} - init
        elif isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in inner:
            outer_assigned = True
        elif isinstance(n, ir.Assign):
            barred |= var_names(n.target) | var_names(n.value)
        elif isinstance(n, (ir.ExprStmt, ir.If, ir.While, ir.Return, ir.Switch)):
            barred |= var_names(getattr(n, "expr", None) or getattr(n, "cond", None) or getattr(n, "value", None))
        elif isinstance(n, ir.For) and n.cond is not None:
            barred |= var_names(n.cond)
    return inner, outer_assigned, barred


def _is_var(e: ir.Expr, name: str) -> bool:
    e = strip_casts(e)
    return isinstance(e, ir.Var) and e.name == name


def _derived(s: ir.Stmt, name: str) -> set[str]:
    """`name` and the pointer variables of `s` declared or assigned from an expression that
    mentions it (or one of them)."""
    definitions = []                              # (pointer, the names its value mentions)
    for n in walk(s):
        target, value = (n.name, n.init) if isinstance(n, ir.Decl) and isinstance(n.type, Pointer) else \
            (n.target.name, n.value) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) \
            and isinstance(n.target.type, Pointer) else (None, None)
        if target is not None and value is not None:
            definitions.append((target, var_names(value)))
    derived = {name}
    changed = True
    while changed:
        changed = False
        for target, mentioned in definitions:
            if target not in derived and not derived.isdisjoint(mentioned):
                derived.add(target)
                changed = True
    return derived


def _realigns(s: ir.Stmt, name: str, element) -> bool:
    """Whether `s` converts a pointer derived from `name` to a pointer to a type whose alignment
    is stricter than `element`'s (a `float4*` view of a `float` buffer): a device allocation is
    aligned for it, the caller's array need not be."""
    derived = _derived(s, name)
    need = alignof(element)
    for n in walk(s):
        if isinstance(n, ir.Cast) and isinstance(n.type, Pointer) and not derived.isdisjoint(var_names(n.operand)):
            to = n.type.to
            if isinstance(to, Vector) and to.kind is VecKind.STRUCT:
                to = scalar(to.of)              # printed as an unaligned view (emit/vnni.py)
            a = alignof(to) if not isinstance(to, Void) else 1
            if need is None or a is None or a > need:
                return True
    return False


def _writes(s: ir.Stmt, name: str) -> bool:
    """Whether `s` may write memory reached through `name` or a pointer derived from it: a store
    whose target mentions one of them, a call given one of them (memcpy's source aside), a
    conversion of one to a non-pointer value."""
    derived = _derived(s, name)
    hit = lambda e: not derived.isdisjoint(var_names(e))
    for n in walk(s):
        if isinstance(n, ir.Assign) and not isinstance(n.target, ir.Var) and hit(n.target):
            return True
        if isinstance(n, ir.Call):
            args = n.args[2:] + n.args[:1] if n.callee == "memcpy" else n.args
            if any(hit(a) and (isinstance(a.type, Pointer) or any(isinstance(x, ir.AddressOf) for x in walk(a)))
                   for a in args):
                return True
        if isinstance(n, ir.MethodCall) and (hit(n.obj) or any(hit(a) for a in n.args)):
            return True
        if isinstance(n, ir.Cast) and not isinstance(n.type, Pointer) and hit(n.operand) \
                and isinstance(n.operand.type, Pointer):
            return True
    return False
