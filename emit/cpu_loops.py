"""Grid-stride loops of a canonical kernel as one flat parallel loop, for a CPU target (vnni).

A SIMT kernel's grid-stride loop, lifted as it is, makes every thread of a CPU loop walk memory
with a stride of the whole grid, which no compiler vectorises and caches and TLBs dislike. When
the grid covers each index exactly once and the iterations are independent, the loop over the
grid's threads and the loop over each thread's indices are one loop over the indices.

Before: a top-level parallel loop nest of the canonical form (one or two levels: blocks and their
        threads, or BANG tasks), every level's body pure scalar declarations followed by the next
        level, the innermost
          for (int b = 0; b < EB; b++) { D_b; for (int t = 0; t < ET; t++) {
              D_t; for (T i = START; i < N; i += STRIDE) BODY;  REST } }
After:    if (EB > 0 && ET > 0) {
            D (the declarations BODY and N use);
            #pragma omp parallel for simd
            for (T i = 0; i < N; i++) BODY
          }
          for (int b = 0; b < EB; b++) { D_b; for (int t = 0; t < ET; t++) { D_t; REST } }
                                                      (only when REST is not empty)
Exactly when it applies:
  - the nest's loops are parallel loops in normal form; D_b and D_t declare scalars and pointers
    initialised without loads, calls or address-taking, which nothing in the nest assigns;
  - the thread body's first statement after D_t is a `for` declaring its counter i, with the
    condition `i < N` and the step `i += STRIDE` (or `i = i + STRIDE`); N, STRIDE and the
    declarations BODY uses do not depend on b or t (through D_b, D_t);
  - z3 proves, for every b in [0, EB) and t in [0, ET) (EB, ET >= 1, the declarations of the
    nest and the host variables assigned once substituted), that STRIDE == EB * ET, that
    0 <= START < STRIDE, and that distinct (b, t) have distinct START: the threads' index sets
    are then exactly [0, N), each index once;
  - BODY assigns no variable declared outside it, holds no OpenMP pragma (atomics, critical) and
    no parallel loop, and xpiler/dependence.py proves `for (T i = 0; i < N; i++) BODY` PARALLEL
    (no iteration touches what another writes), with the pointers it uses coming from distinct
    roots (distinct allocations or distinct pointer parameters: the analysis' own assumption);
  - REST then runs after every BODY instead of after the thread's own: a split of a parallel loop
    into two, legal because its iterations are independent (docs/canonical.md §3).
Anything else is left as it is.
"""
from __future__ import annotations

import dataclasses
import itertools

import z3

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, is_null, transform, walk
from xpiler.types import Array, Pointer, Scalar
from xpiler.z3ir import Z3Ints, is_int

from .offload import is_parallel, loop_shape

PARALLEL_SIMD = "omp parallel for simd"
QUERY_MS = 2000


def flatten_grid_stride_loops(module: ir.Module) -> ir.Module:
    """`module` with the grid-stride loops of its host entries flattened (module docstring)."""
    functions = []
    for f in module.functions:
        if f.extern_c and f.body is not None:
            env = {p.name: ("param", p) for p in f.params}
            f = dataclasses.replace(f, body=_Entry(module, f).block(f.body, env))
        functions.append(f)
    return dataclasses.replace(module, functions=tuple(functions))


class _Entry:
    def __init__(self, module: ir.Module, fn: ir.Function):
        self.module = module
        self.fn = fn
        self.globals = {g.name for g in module.globals}
        # names assigned anywhere (by name: a name assigned in one scope is 'assigned' in all),
        # and the value of each assignment that is a top-level statement of the entry
        self.assigned: set[str] = set()
        counts: dict[str, int] = {}
        for n in walk(fn.body):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var):
                self.assigned.add(n.target.name)
                counts[n.target.name] = counts.get(n.target.name, 0) + 1
            elif isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var):
                self.assigned.add(n.operand.name)
                counts[n.operand.name] = counts.get(n.operand.name, 2) + 2
            elif isinstance(n, ir.Decl):
                counts.setdefault(f"decl {n.name}", 0)
                counts[f"decl {n.name}"] += 1
        self.top_assign: dict[str, ir.Expr] = {}
        for st in fn.body.stmts:
            if isinstance(st, ir.Assign) and isinstance(st.target, ir.Var) and st.op is None \
                    and counts.get(st.target.name) == 1 and counts.get(f"decl {st.target.name}") == 1:
                self.top_assign[st.target.name] = st.value
        self.top_env = {p.name: ("param", p) for p in fn.params}
        for st in fn.body.stmts:
            if isinstance(st, ir.Decl):
                self.top_env[st.name] = (st, self.top_env)

    # ---- walking the host code, with the declarations in scope ----------------------------------
    def block(self, s: ir.Stmt, env: dict) -> ir.Stmt:
        if isinstance(s, ir.Block):
            env = dict(env)
            out = []
            for x in s.stmts:
                out.append(self.block(x, env))
                if isinstance(x, ir.Decl):
                    env[x.name] = (x, dict(env))
            return ir.Block(tuple(out), s.span)
        if is_parallel(s):
            try:
                new = self.nest(s, env)
            except XpilerError:
                new = None
            return s if new is None else new
        if isinstance(s, ir.If):
            return dataclasses.replace(s, then=self.block(s.then, env),
                                       other=None if s.other is None else self.block(s.other, env))
        if isinstance(s, (ir.For, ir.While)):
            inner = dict(env)
            for d in getattr(s, "init", ()):
                if isinstance(d, ir.Decl):
                    inner[d.name] = (d, dict(inner))
            return dataclasses.replace(s, body=self.block(s.body, inner))
        return s

    # ---- one kernel nest ------------------------------------------------------------------------
    def nest(self, top: ir.For, env: dict) -> ir.Stmt | None:
        levels = []                                   # (var, extent, decls, scope of the extent)
        loop = top
        scope = dict(env)
        while True:
            var, extent = loop_shape(loop, "vnni")
            stmts = list(loop.body.stmts) if isinstance(loop.body, ir.Block) else [loop.body]
            k = 0
            while k < len(stmts) and isinstance(stmts[k], ir.Decl):
                k += 1
            decls, rest = stmts[:k], stmts[k:]
            levels.append((var, extent, decls, dict(scope)))
            scope[var] = None                         # a counter: a symbol of its own
            for d in decls:
                scope[d.name] = (d, dict(scope))
            if len(levels) < 2 and len(rest) == 1 and is_parallel(rest[0]):
                loop = rest[0]
                continue
            break
        if not rest or is_parallel(rest[0]) or not _grid_stride(rest[0]):
            return None
        stride_loop, tail = rest[0], rest[1:]
        decls = [d for _, _, ds, _ in levels for d in ds]
        if not all(_pure_decl(d) for d in decls):
            return None
        names = {d.name for d in decls}
        if len(names) != len(decls):
            return None
        assigned = {n.target.name for n in walk(top) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)}
        assigned |= {n.operand.name for n in walk(top) if isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var)}
        if names & assigned:
            return None
        counters = {v for v, _, _, _ in levels}
        by_name = {d.name: d for d in decls}
        if names & counters or any(_names(e) & (names | counters) for _, e, _, _ in levels):
            return None                               # the guard evaluates the extents outside
        dependent = set(counters)                     # names whose value depends on the thread
        for d in decls:
            if _names(d.init) & dependent:
                dependent.add(d.name)
        i_decl = stride_loop.init[0]
        start, bound, stride = i_decl.init, stride_loop.cond.right, _step(stride_loop)
        body = stride_loop.body
        if (_names(bound) | _names(stride)) & dependent:
            return None
        inner_decls = {n.name for n in walk(body) if isinstance(n, ir.Decl)}
        if i_decl.name in inner_decls or i_decl.name in names:
            return None
        for n in walk(body):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in inner_decls:
                return None
            if isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var) and n.operand.name not in inner_decls:
                return None
            if isinstance(n, ir.PragmaStmt) and n.text.startswith("omp") or is_parallel(n):
                return None
            if isinstance(n, (ir.Return, ir.Launch)):
                return None
        used = (_names(body) | _names(bound)) - inner_decls - {i_decl.name}
        if used & dependent:
            return None
        needed = [d for d in decls if d.name in _closure(used, by_name)]
        # the index sets of the threads are exactly [0, N), each index once
        if not self.covers(levels, start, stride, scope):
            return None
        # the flat loop's iterations are independent
        it = i_decl.name
        flat = ir.For((dataclasses.replace(i_decl, init=const(0, i_decl.type) if isinstance(i_decl.type, Scalar)
                                           else const(0)),),
                      binary("<", ir.Var(it, i_decl.type), bound),
                      (ir.Assign(ir.Var(it, i_decl.type), "+", const(1, i_decl.type)),),
                      body, (PARALLEL_SIMD,), stride_loop.span)
        if not self.independent(needed, flat, env):
            return None
        guard = None
        for _, extent, _, _ in levels:
            g = binary(">", extent, const(0, extent.type))
            guard = g if guard is None else binary("&&", guard, g)
        out: list[ir.Stmt] = [ir.If(guard, ir.Block(tuple(needed) + (flat,)), None, top.span)]
        if tail:
            out.append(self.rebuild(top, len(levels), tail))
        return ir.Block(tuple(out), top.span)

    def rebuild(self, loop: ir.For, depth: int, tail: list[ir.Stmt]) -> ir.For:
        stmts = list(loop.body.stmts) if isinstance(loop.body, ir.Block) else [loop.body]
        k = 0
        while k < len(stmts) and isinstance(stmts[k], ir.Decl):
            k += 1
        if depth == 1:
            new = stmts[:k] + list(tail)
        else:
            new = stmts[:k] + [self.rebuild(stmts[k], depth - 1, tail)]
        return dataclasses.replace(loop, body=ir.Block(tuple(new), loop.body.span))

    # ---- the proofs -----------------------------------------------------------------------------
    def expand(self, e: ir.Expr, env: dict, depth: int = 0) -> ir.Expr:
        """`e` with every integer variable that has one definition (declared with an initialiser,
        never assigned) replaced by its initialiser, recursively, each name resolved in the scope
        of its declaration. A definition that reads an assigned variable stays a variable (its
        value was fixed when it was declared); other variables are renamed after their
        declaration (`n$3`), so that two variables of one name stay two."""
        return self._expand(e, env, depth, [False])

    def _expand(self, e: ir.Expr, env: dict, depth: int, reads_assigned: list) -> ir.Expr:
        def fix(n):
            if not isinstance(n, ir.Var):
                return n
            b = env.get(n.name)
            if b is None:
                return n
            d, _ = b
            if d == "param":
                reads_assigned[0] |= n.name in self.assigned
                return n
            symbol = ir.Var(f"{n.name}${id(d)}", n.type, n.span)
            if n.name in self.assigned:
                reads_assigned[0] = True
                return symbol
            if depth < 32 and isinstance(d.type, Scalar) and d.type.dtype.is_int and d.init is not None:
                inner = [False]
                value = self._expand(d.init, b[1], depth + 1, inner)
                return symbol if inner[0] else value
            return symbol
        return transform(e, fix)

    def covers(self, levels, start, stride, nest_env) -> bool:
        solver = z3.Solver()
        solver.set("timeout", QUERY_MS)
        copies = [_DivInts({v: f"{v}#{k}" for v, _, _, _ in levels}) for k in (1, 2)]
        extents = [copies[0].int(self.expand(e, env)) for _, e, _, env in levels]
        s1, s2 = (ints.int(self.expand(start, nest_env)) for ints in copies)
        st = copies[0].int(self.expand(stride, nest_env))
        if any(ints.unknown for ints in copies):
            return False
        for ints in copies:
            solver.add(*ints.side)
            for (v, _, _, _), ext in zip(levels, extents):
                solver.add(ints.var(v) >= 0, ints.var(v) < ext)
        total = extents[0]
        for ext in extents[1:]:
            total = total * ext
        solver.add(*[ext >= 1 for ext in extents])
        different = z3.Or(*[copies[0].var(v) != copies[1].var(v) for v, _, _, _ in levels])
        goal = z3.And(st == total, s1 >= 0, s1 < st, z3.Implies(different, s1 != s2))
        solver.add(z3.Not(goal))
        return solver.check() == z3.unsat

    def independent(self, needed: list[ir.Decl], flat: ir.For, env: dict) -> bool:
        from xpiler.dependence import Kind, analyze
        code = ir.Block(tuple(needed) + (flat,))
        declared = {n.name for n in walk(code) if isinstance(n, ir.Decl)}
        free: dict[str, object] = {}
        for n in walk(code):
            if isinstance(n, ir.Var) and n.name not in declared and n.name not in self.globals:
                free.setdefault(n.name, n.type)
        roots = []
        for name, t in free.items():
            if isinstance(t, Array):
                return False
            if isinstance(t, Pointer):
                root = self.root(name, env, set())
                if root is None or root in roots:
                    return False
                roots.append(root)
        fn = ir.Function("__flat", ir.FuncKind.HOST, self.fn.ret, tuple(ir.Param(n, t) for n, t in free.items()),
                         code, frozenset(), True)
        results = analyze(fn, self.module)
        return bool(results) and results[0].loop is flat and results[0].kind is Kind.PARALLEL

    def root(self, name: str, env: dict, seen: set):
        """The allocation or pointer parameter a host pointer variable visible at the nest holds:
        followed through initialisers, and through the one assignment (a top-level statement of
        the entry) of a variable declared once and assigned once."""
        if len(seen) > 32:
            return None
        b = env.get(name)
        if b is None:
            return None
        d, denv = b
        if d == "param":
            return None if name in self.assigned else ("param", name)
        if name in self.assigned:
            if d.init is not None and not is_null(d.init) or name not in self.top_assign:
                return None
            v, denv = self.top_assign[name], self.top_env
        elif d.init is not None:
            v = d.init
        else:
            return None
        while isinstance(v, ir.Cast):
            v = v.operand
        if isinstance(v, ir.Call) and v.callee in ("malloc", "aligned_alloc", "calloc"):
            return ("alloc", id(d))
        if isinstance(v, ir.Var):
            return self.root(v.name, denv, seen | {name})
        return None


class _DivInts(Z3Ints):
    """Z3Ints with `a / b` and `a % b` for a non-constant b: for a >= 0 and b > 0 (C's division
    is then Euclidean) quotient and remainder with a == q*b + r, 0 <= r < b; counters renamed
    apart per copy; `unknown` set when a term could not be modelled."""
    fresh_ids = itertools.count()

    def __init__(self, rename):
        super().__init__()
        self.rename = rename
        self.side = []
        self.unknown = False

    def var(self, name):
        return super().var(self.rename.get(name, name))

    def int(self, e):
        if isinstance(e, ir.Binary) and e.op in ("/", "%") and not isinstance(e.right, ir.Const) \
                and is_int(e.left) and is_int(e.right):
            a, b = self.int(e.left), self.int(e.right)
            k = next(self.fresh_ids)
            q, r = z3.Int(f"__q{k}"), z3.Int(f"__r{k}")
            self.side.append(z3.Implies(z3.And(a >= 0, b > 0), z3.And(a == q * b + r, r >= 0, r < b)))
            return q if e.op == "/" else r
        return super().int(e)

    def _free(self):
        self.unknown = True
        return super()._free()


def _grid_stride(s: ir.Stmt) -> bool:
    if not (isinstance(s, ir.For) and len(s.init) == 1 and isinstance(s.init[0], ir.Decl)
            and s.init[0].init is not None and isinstance(s.init[0].type, Scalar) and s.init[0].type.dtype.is_int
            and not s.init[0].storage and len(s.step) == 1 and isinstance(s.cond, ir.Binary) and s.cond.op == "<"
            and isinstance(s.cond.left, ir.Var) and s.cond.left.name == s.init[0].name and is_int(s.cond.right)):
        return False
    return _step(s) is not None


def _step(s: ir.For):
    st, i = s.step[0], s.init[0].name
    if not (isinstance(st, ir.Assign) and isinstance(st.target, ir.Var) and st.target.name == i):
        return None
    if st.op == "+" and is_int(st.value) and i not in _names(st.value):
        return st.value
    if st.op is None and isinstance(st.value, ir.Binary) and st.value.op == "+":
        for a, b in ((st.value.left, st.value.right), (st.value.right, st.value.left)):
            if isinstance(a, ir.Var) and a.name == i and is_int(b) and i not in _names(b):
                return b
    return None


def _pure_decl(d: ir.Decl) -> bool:
    if d.storage - {"const"} or d.init is None or d.ctor_args or not isinstance(d.type, (Scalar, Pointer)):
        return False
    return not any(isinstance(n, (ir.Call, ir.MethodCall, ir.Index, ir.Deref, ir.AddressOf, ir.Member))
                   for n in walk(d.init))


def _names(e) -> set[str]:
    return {n.name for n in walk(e) if isinstance(n, ir.Var)} if e is not None else set()


def _closure(used: set[str], by_name: dict[str, ir.Decl]) -> set[str]:
    out, todo = set(), list(used)
    while todo:
        n = todo.pop()
        if n in by_name and n not in out:
            out.add(n)
            todo += list(_names(by_name[n].init))
    return out
