"""One top-level parallel loop nest of the canonical form -> a CUDA/HIP kernel and its launch.

Two mappings (docs/canonical.md, "Lowering to each target"):
  flat   a loop nest with no inner parallel loop (a perfect nest of parallel loops is
         flattened): one thread per iteration, 256-thread blocks, `if (i < n)` guard.
  block  a loop whose body holds parallel loops: one block per iteration of the outer loop,
         the inner (thread) loops distributed over threadIdx.x, `__syncthreads()` around them.
         Block-level statements run in every thread when they write only registers, in thread
         0 (then a barrier) when they write memory. Arrays of the block body become
         registers when every access is `v[t]` with `t` the enclosing thread loop's index,
         `__shared__` while they fit, else slices of a global scratch buffer; a block-level
         `malloc` (dynamic shared memory in the source) uses dynamic shared memory when it
         fits at run time and the scratch buffer otherwise.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.constfold import fold
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import BOOL, DType, I32, I64, U32, U64, Array, Pointer, Scalar, Space, Type, Void, scalar, sizeof

from .offload import Offload, Site, is_parallel, loop_shape
from .scoped import free_vars, map_top_down, own_exprs, substitute
from .simt_atomic import is_atomic_call, lower_atomics
from .tidy import drop_unused, simplify

FLAT_BLOCK = 256
MAX_BLOCK = 1024
ALIGN = 256
U8 = scalar(DType.U8)
TID = ir.Cast(ir.Builtin("threadIdx.x", U32), I32)
SYNC = ir.ExprStmt(ir.Call("__syncthreads", (), Void()))
ALLOC = {"malloc", "aligned_alloc", "calloc"}


def cannot(span, what: str, target: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {target}")


def normal_form(s: ir.For, target: str) -> tuple[str, Type, ir.Expr]:
    """(variable, type, extent) of `for (T v = 0; v < extent; v++)`."""
    ok = (len(s.init) == 1 and isinstance(s.init[0], ir.Decl) and s.init[0].init is not None
          and fold(s.init[0].init) == 0 and isinstance(s.cond, ir.Binary) and s.cond.op == "<"
          and isinstance(s.cond.left, ir.Var) and s.cond.left.name == s.init[0].name and len(s.step) == 1
          and isinstance(s.step[0], ir.Assign) and s.step[0].op == "+" and fold(s.step[0].value) == 1
          and isinstance(s.step[0].target, ir.Var) and s.step[0].target.name == s.init[0].name)
    if not ok:
        raise cannot(s.span, "a parallel loop that is not in the form `for (int v = 0; v < n; v++)`", target)
    return s.init[0].name, s.init[0].type, s.cond.right


def _single(s: ir.Stmt) -> ir.Stmt:
    while isinstance(s, ir.Block) and len(s.stmts) == 1:
        s = s.stmts[0]
    return s


@dataclasses.dataclass
class KernelPlan:
    """What the host needs to launch one kernel."""
    kernel: ir.Function
    host: list[ir.Stmt]         # statements replacing the loop nest in the host function


class KernelBuilder:
    """Builds the kernel for the parallel loop `loop` (constants already substituted);
    `params` are the loop's free variables (host names and types), `prefix` names the host
    temporaries of this launch."""

    def __init__(self, emitter, loop: ir.For, name: str, params: list[tuple[str, Type]], prefix: str):
        self.em = emitter
        self.target = emitter.target.value
        self.loop = loop
        self.name = name
        self.params = params
        self.prefix = prefix

    def build(self) -> KernelPlan:
        chain, body = [normal_form(self.loop, self.target)], self.loop.body
        while True:
            inner = _single(body)
            if not is_parallel(inner):
                break
            v, t, e = normal_form(inner, self.target)
            if any(isinstance(n, ir.Var) and n.name in {c[0] for c in chain} for n in walk(e)):
                break
            chain.append((v, t, e))
            body = inner.body
        if not any(is_parallel(n) for n in walk(body)):
            return self.flat(chain, body)
        return BlockKernel(self).build()

    # ---- helpers shared by both mappings ------------------------------------------------------
    def host_var(self, what: str, t: Type) -> ir.Var:
        return ir.Var(f"{self.prefix}{what}", t)

    def function(self, body: list[ir.Stmt], extra: list[tuple[str, Type]], block: int) -> ir.Function:
        params = tuple(ir.Param(n, t) for n, t in self.params + extra)
        return ir.Function(self.name, ir.FuncKind.KERNEL, Void(), params, drop_unused(simplify(ir.Block(tuple(body)))),
                           frozenset({"__global__"}), False, (), (const(block),), self.loop.span)

    def launch(self, grid: ir.Expr, block: int, shmem: ir.Expr, extra_args: list[ir.Expr]) -> ir.Stmt:
        args = [ir.Var(n, t) for n, t in self.params] + extra_args
        return self.em.launch(self.name, grid, const(block), shmem, args)

    def check_body(self, body: ir.Stmt, allowed: frozenset[str] = frozenset()) -> None:
        """Refuse what a kernel cannot do: allocate (but the per-block buffers `allowed`), or
        assign a host variable."""
        host = {n for n, _ in self.params}
        skip = {id(x) for d in walk(body) if isinstance(d, ir.Decl) and d.name in allowed and d.init is not None
                for x in walk(d.init)}
        for n in walk(body):
            if isinstance(n, ir.Call) and n.callee in ALLOC and id(n) not in skip:
                raise cannot(n.span, f"{n.callee} inside a parallel loop", self.target)
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name in host:
                raise cannot(n.span, f"a parallel loop that assigns the host variable '{n.target.name}'",
                             self.target)
            if isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var) and n.operand.name in host \
                    and not isinstance(n.operand.type, (Array, Pointer)):
                raise cannot(n.span, f"a parallel loop that takes the address of the host variable "
                                     f"'{n.operand.name}'", self.target)

    # ---- flat mapping -------------------------------------------------------------------------
    def flat(self, chain, body: ir.Stmt) -> KernelPlan:
        body = lower_atomics(body, self.target)
        self.check_body(body)
        ext = [(f"__n{k}", t) for k, (_, t, _) in enumerate(chain)]
        i = ir.Var("__i", I64)
        kbody: list[ir.Stmt] = [ir.Decl("__i", I64, binary("+", binary(
            "*", ir.Cast(ir.Builtin("blockIdx.x", U32), I64), ir.Cast(ir.Builtin("blockDim.x", U32), I64)),
            ir.Cast(ir.Builtin("threadIdx.x", U32), I64)))]
        total = _product([ir.Cast(ir.Var(n, t), I64) for n, t in ext])
        index: list[ir.Stmt] = []
        stride: ir.Expr | None = None             # product of the inner loops' extents
        for k in reversed(range(len(chain))):
            v, t, _ = chain[k]
            n = ir.Cast(ir.Var(*ext[k]), I64)
            q = i if stride is None else binary("/", i, stride)
            if k > 0:
                q = binary("%", q, n)
            index.insert(0, ir.Decl(v, t, ir.Cast(q, t)))
            stride = n if stride is None else binary("*", stride, n)
        kbody.append(ir.If(binary("<", i, total), ir.Block(tuple(index) + tuple(_stmts(body)))))
        kernel = self.function(kbody, ext, FLAT_BLOCK)
        host: list[ir.Stmt] = [ir.Decl(self.host_var(n, t).name, t, e) for (n, t), (_, _, e) in zip(ext, chain)]
        hv = [self.host_var(n, t) for n, t in ext]
        cond = binary(">", hv[0], const(0))
        for h in hv[1:]:
            cond = binary("&&", cond, binary(">", h, const(0)))
        count = _product([ir.Cast(h, I64) for h in hv])
        grid = ir.Cast(binary("/", binary("+", count, const(FLAT_BLOCK - 1, I64)), const(FLAT_BLOCK, I64)), U32)
        host.append(ir.If(cond, ir.Block((self.launch(grid, FLAT_BLOCK, const(0), hv),))))
        return KernelPlan(kernel, [simplify(ir.Block(tuple(host)))])


def _product(items: list[ir.Expr]) -> ir.Expr:
    out = items[0]
    for x in items[1:]:
        out = binary("*", out, x)
    return out


def _stmts(s: ir.Stmt) -> list[ir.Stmt]:
    return list(s.stmts) if isinstance(s, ir.Block) else [s]


def _align(e: ir.Expr) -> ir.Expr:
    e = ir.Cast(e, U64)
    return binary("*", binary("/", binary("+", e, const(ALIGN - 1, U64)), const(ALIGN, U64)), const(ALIGN, U64))


def _alloc_size(init: ir.Expr | None) -> ir.Expr | None:
    while isinstance(init, ir.Cast):
        init = init.operand
    if isinstance(init, ir.Call) and init.callee == "malloc":
        return init.args[0]
    if isinstance(init, ir.Call) and init.callee == "aligned_alloc":
        return init.args[1]
    return None


class BlockKernel:
    """The block mapping of a parallel loop whose body holds parallel (thread) loops."""

    def __init__(self, kb: KernelBuilder):
        self.kb = kb
        self.target = kb.target
        self.var, self.type, self.extent = normal_form(kb.loop, self.target)
        self.body = lower_atomics(kb.loop.body, self.target)
        self.threads = [s for s in self.block_level(self.body) if is_parallel(s)]
        consts = [fold(normal_form(t, self.target)[2]) for t in self.threads]
        fitting = [c for c in consts if isinstance(c, int) and 0 < c <= MAX_BLOCK]
        self.block = max(fitting) if fitting else FLAT_BLOCK

    def is_mapped(self, thread_loop: ir.For) -> bool:
        """Whether every iteration of a thread loop gets its own thread (no striding)."""
        c = fold(normal_form(thread_loop, self.target)[2])
        return isinstance(c, int) and c <= self.block

    def block_level(self, s: ir.Stmt):
        """Statements of the block body outside thread loops; thread loops themselves included."""
        yield s
        if is_parallel(s):
            return
        if isinstance(s, ir.Block):
            for x in s.stmts:
                yield from self.block_level(x)
        elif isinstance(s, ir.If):
            yield from self.block_level(s.then)
            if s.other is not None:
                yield from self.block_level(s.other)
        elif isinstance(s, (ir.For, ir.While)):
            yield from self.block_level(s.body)
        elif isinstance(s, ir.Switch):
            for c in s.cases:
                for x in c.body:
                    yield from self.block_level(x)

    # ---- memory of the block body -------------------------------------------------------------
    def plan_memory(self) -> None:
        decls = [s for s in walk(self.body) if isinstance(s, ir.Decl)]
        count: dict[str, int] = {}
        for d in decls:
            count[d.name] = count.get(d.name, 0) + 1
        top = set(map(id, self.body.stmts)) if isinstance(self.body, ir.Block) else {id(self.body)}
        arrays = [s for s in self.block_level(self.body) if isinstance(s, ir.Decl) and isinstance(s.type, Array)]
        self.dynamic: dict[str, ir.Expr] = {}
        for s in self.block_level(self.body):
            size = _alloc_size(s.init) if isinstance(s, ir.Decl) else None
            if size is None:
                continue
            if id(s) not in top or count[s.name] != 1 or not isinstance(s.type, Pointer):
                raise cannot(s.span, "an allocation inside the block body that is not a per-block "
                                     "buffer declared at its top", self.target)
            if any(isinstance(n, ir.Var) and n.name not in dict(self.kb.params) for n in walk(size)):
                raise cannot(s.span, "a per-block buffer whose size depends on the block", self.target)
            self.dynamic[s.name] = size
        for d in arrays:
            if d.type.count == 0 or sizeof(d.type) is None:
                raise cannot(d.span, f"the per-block array '{d.name}' of unknown size", self.target)
            if d.init is not None or d.ctor_args is not None:
                raise cannot(d.span, f"the initialised per-block array '{d.name}'", self.target)
        unique = [d for d in arrays if count[d.name] == 1]
        self.registers = {d.name: d.type for d in unique if self.thread_private(d.name)}
        self.shared, self.overflow, used = {}, {}, 0
        for d in arrays:
            if d.name in self.registers:
                continue
            size = sizeof(d.type)
            if used + size <= self.kb.em.shared_limit:
                self.shared[d.name] = d.type
                used += size
            elif count[d.name] == 1:
                self.overflow[d.name] = d.type
            else:
                raise cannot(d.span, f"the per-block array '{d.name}' (too large for shared memory "
                                     f"and declared more than once)", self.target)
        self.static_shared = used
        self.offsets, off = {}, 0
        for name, t in self.overflow.items():
            self.offsets[name] = off
            off += -(-sizeof(t) // ALIGN) * ALIGN
        self.overflow_bytes = off

    def thread_private(self, name: str) -> bool:
        """Every use of `name` is `name[t]` inside a mapped thread loop of index `t`."""
        ok: set[int] = set()
        bad = [False]

        def exprs(es, t):
            for e in es:
                for n in walk(e):
                    if isinstance(n, ir.Index) and isinstance(n.base, ir.Var) and n.base.name == name \
                            and t is not None and isinstance(n.index, ir.Var) and n.index.name == t:
                        ok.add(id(n.base))
                for n in walk(e):
                    if isinstance(n, ir.Var) and n.name == name and id(n) not in ok:
                        bad[0] = True

        def visit(s, t, in_thread):
            # t: the index of the enclosing mapped thread loop while it is visible, else None
            if isinstance(s, ir.Block):
                for x in s.stmts:
                    visit(x, t, in_thread)
                    if isinstance(x, ir.Decl) and x.name == t:
                        t = None
                return
            if isinstance(s, ir.For):
                if is_parallel(s) and not in_thread:
                    t = normal_form(s, self.target)[0] if self.is_mapped(s) else None
                    in_thread = True
                elif any(isinstance(d, ir.Decl) and d.name == t for d in s.init):
                    t = None
                exprs(own_exprs(s) + tuple(x for st in s.init + s.step for x in own_exprs(st)), t)
                visit(s.body, t, in_thread)
                return
            exprs(own_exprs(s), t)
            if isinstance(s, ir.If):
                visit(s.then, t, in_thread)
                if s.other is not None:
                    visit(s.other, t, in_thread)
            elif isinstance(s, ir.While):
                visit(s.body, t, in_thread)
            elif isinstance(s, ir.Switch):
                for c in s.cases:
                    for x in c.body:
                        visit(x, t, in_thread)
        visit(self.body, None, False)
        return not bad[0]

    def rewrite_arrays(self, body: ir.Stmt) -> ir.Stmt:
        """`v[t]` of register arrays -> `v`; accesses of scratch arrays -> flat pointer indexing."""
        regs, over = self.registers, self.overflow

        def fix(n):
            if isinstance(n, ir.Index) and isinstance(n.base, ir.Var) and n.base.name in regs:
                return ir.Var(n.base.name, n.type, n.span)
            return None
        body = map_top_down(body, fix)
        return _flatten(body, over) if over else body

    # ---- the kernel ---------------------------------------------------------------------------
    def build(self) -> KernelPlan:
        kb = self.kb
        self.plan_memory()
        kb.check_body(self.body, frozenset(self.dynamic))
        body = self.rewrite_arrays(self.body)
        stmts, _ = self.lower_list(_stmts(body), pending=False)
        if stmts and stmts[-1] is SYNC:
            stmts.pop()                                # nothing follows the last barrier
        extra: list[tuple[str, Type]] = []
        prologue: list[ir.Stmt] = [ir.Decl(self.var, self.type, ir.Cast(ir.Builtin("blockIdx.x", U32), self.type))]
        scratch = self.overflow or self.dynamic
        if scratch:
            extra = [("__scratch", Pointer(U8)), ("__slice", U64)]
            base = binary("+", ir.Var("__scratch", Pointer(U8)), binary(
                "*", ir.Cast(ir.Builtin("blockIdx.x", U32), U64), ir.Var("__slice", U64)), Pointer(U8))
            prologue.append(ir.Decl("__blk_scratch", Pointer(U8), base))
        if self.dynamic:
            extra.append(("__dyn_shared", I32))
            prologue.insert(0, ir.Decl("__dyn_smem", Array(U8, None), None, storage=frozenset({"extern"}),
                                       space=Space.SHARED))
            prologue.append(ir.Decl("__dyn", Pointer(U8), ir.Ternary(
                ir.Var("__dyn_shared", I32), ir.Var("__dyn_smem", Pointer(U8)),
                binary("+", ir.Var("__blk_scratch", Pointer(U8)), const(self.overflow_bytes, U64), Pointer(U8)),
                Pointer(U8))))
        kernel = kb.function(prologue + stmts, extra, self.block)
        return KernelPlan(kernel, [simplify(self.host(extra))])

    def host(self, extra) -> ir.Stmt:
        kb = self.kb
        grid = kb.host_var("grid", I32)
        inner: list[ir.Stmt] = []
        shmem: ir.Expr = const(0)
        args: list[ir.Expr] = []
        post: list[ir.Stmt] = []
        if extra:
            slice_ = kb.host_var("slice", U64)
            scratch = kb.host_var("scratch", Pointer(U8))
            fixed = const(self.overflow_bytes, U64)
            if self.dynamic:
                dyn = kb.host_var("dyn", U64)
                dsh = kb.host_var("dyn_shared", I32)
                inner.append(ir.Decl(dyn.name, U64, _sum([_align(s) for s in self.dynamic.values()])))
                room = const(kb.em.shared_limit - self.static_shared, U64)
                inner.append(ir.Decl(dsh.name, I32, ir.Cast(binary("<=", dyn, room), I32)))
                inner.append(ir.Decl(slice_.name, U64, binary("+", fixed, ir.Ternary(dsh, const(0, U64), dyn, U64))))
                shmem = ir.Ternary(dsh, dyn, const(0, U64), U64)
                args = [scratch, slice_, dsh]
            else:
                inner.append(ir.Decl(slice_.name, U64, fixed))
                args = [scratch, slice_]
            inner.append(ir.Decl(scratch.name, scratch.type, ir.Cast(const(0), scratch.type)))
            size = binary("*", slice_, ir.Cast(grid, U64))
            inner.append(ir.If(binary(">", slice_, const(0, U64)),
                               ir.Block((kb.em.malloc_stmt(scratch, size),))))
            post.append(ir.If(binary(">", slice_, const(0, U64)), ir.Block((kb.em.free_stmt(scratch),))))
        inner.append(kb.launch(grid, self.block, shmem, args))
        return ir.Block((ir.Decl(grid.name, I32, self.extent),
                         ir.If(binary(">", grid, const(0)), ir.Block(tuple(inner + post)))))

    # ---- block-level statements ---------------------------------------------------------------
    def lower_list(self, stmts: list[ir.Stmt], pending: bool) -> tuple[list[ir.Stmt], bool]:
        """Lowered statements and whether memory was read since the last barrier.
        `pending`: memory may have been read by some thread since the last barrier."""
        out: list[ir.Stmt] = []
        for s in stmts:
            if is_parallel(s):
                if pending:
                    out.append(SYNC)
                out += [self.thread_loop(s), SYNC]
                pending = False
            elif any(is_parallel(n) for n in walk(s)):
                new, pending = self.compound(s, pending)
                out.append(new)
            elif isinstance(s, ir.Decl) and (isinstance(s.type, Array) or s.name in self.dynamic):
                out.append(self.array_decl(s))
            elif self.writes_memory(s):
                if isinstance(s, ir.Decl):
                    raise cannot(s.span, f"the block-level declaration of '{s.name}' with a side effect",
                                 self.target)
                self.check_thread0(s)
                if pending:
                    out.append(SYNC)
                out += [ir.If(binary("==", TID, const(0)), ir.Block(tuple(_stmts(s)))), SYNC]
                pending = False
            elif isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee == "free" \
                    and _root_name(s.expr.args[0]) in self.dynamic:
                continue                                   # per-block buffers live in the scratch
            else:
                out.append(s)
                pending = pending or self.reads_memory(s)
        return out, pending

    def compound(self, s: ir.Stmt, pending: bool) -> tuple[ir.Stmt, bool]:
        """A control statement containing thread loops (its conditions are block-uniform)."""
        reads = any(self.reads_memory_expr(e) for e in own_exprs(s))
        if isinstance(s, ir.Block):
            items, pending = self.lower_list(list(s.stmts), pending)
            return ir.Block(tuple(items), s.span), pending
        if isinstance(s, ir.If):
            pending = pending or reads
            then, p1 = self.lower_list(_stmts(s.then), pending)
            other, p2 = self.lower_list(_stmts(s.other), pending) if s.other is not None else (None, pending)
            return ir.If(s.cond, ir.Block(tuple(then)), ir.Block(tuple(other)) if other is not None else None,
                         s.span), p1 or p2
        if isinstance(s, (ir.For, ir.While)):
            if isinstance(s, ir.For):
                reads = reads or any(self.reads_memory(x) for x in s.init + s.step)
            body, end = self.lower_list(_stmts(s.body), pending or reads)
            if (end or reads) and not (pending or reads):
                body, end = self.lower_list(_stmts(s.body), True)    # later iterations
            after = pending or reads or end              # also right after zero iterations
            if isinstance(s, ir.For):
                return ir.For(s.init, s.cond, s.step, ir.Block(tuple(body)), (), s.span), after
            return ir.While(s.cond, ir.Block(tuple(body)), s.do_while, s.span), after
        raise cannot(getattr(s, "span", None), f"a parallel loop inside a {type(s).__name__.lower()}",
                     self.target)

    def thread_loop(self, s: ir.For) -> ir.Stmt:
        v, t, extent = normal_form(s, self.target)
        body = ir.Block(tuple(_stmts(s.body)))
        c = fold(extent)
        tid = TID if t == I32 else ir.Cast(ir.Builtin("threadIdx.x", U32), t)
        if self.is_mapped(s):
            inner = body.stmts if c == self.block else (ir.If(binary("<", ir.Var(v, t), extent), body),)
            return ir.Block((ir.Decl(v, t, tid),) + inner)
        n = ir.Var("__extent", t)
        loop = ir.For((ir.Decl(v, t, tid),), binary("<", ir.Var(v, t), n),
                      (ir.Assign(ir.Var(v, t), "+", const(self.block)),), body, (), s.span)
        return ir.Block((ir.Decl(n.name, t, extent), loop))

    def array_decl(self, d: ir.Decl) -> ir.Stmt:
        if d.name in self.registers:
            return ir.Decl(d.name, d.type.of, None, span=d.span)
        if d.name in self.shared:
            return dataclasses.replace(d, space=Space.SHARED, storage=d.storage - {"static"})
        if d.name in self.dynamic:
            names = list(self.dynamic)
            off = _sum([_align(self.dynamic[n]) for n in names[:names.index(d.name)]]) \
                if names.index(d.name) else const(0, U64)
            at = binary("+", ir.Var("__dyn", Pointer(U8)), off, Pointer(U8))
            return ir.Decl(d.name, d.type, ir.Cast(at, d.type), span=d.span)
        elem = _elem(d.type)
        at = binary("+", ir.Var("__blk_scratch", Pointer(U8)), const(self.offsets[d.name], U64), Pointer(U8))
        return ir.Decl(d.name, Pointer(elem), ir.Cast(at, Pointer(elem)), span=d.span)

    # ---- effects ------------------------------------------------------------------------------
    def writes_memory(self, s: ir.Stmt) -> bool:
        for n in walk(s):
            if isinstance(n, ir.Assign) and not self.register_target(n.target):
                return True
            if isinstance(n, ir.Call) and (is_atomic_call(n) or n.callee in ("memcpy", "memset")
                                           or (n.callee not in ALLOC and n.callee != "free"
                                               and any(isinstance(a.type, Pointer) for a in n.args))):
                return True
        return False

    def register_target(self, e: ir.Expr) -> bool:
        while isinstance(e, (ir.Member, ir.Index)):
            if isinstance(e, ir.Index) and not (isinstance(e.base, ir.Var) and e.base.name in self.registers):
                return False
            e = e.base
        return isinstance(e, ir.Var)

    def reads_memory_expr(self, e: ir.Expr) -> bool:
        return any(isinstance(n, (ir.Index, ir.Deref)) or (isinstance(n, ir.Call) and any(
            isinstance(a.type, Pointer) for a in n.args)) for n in walk(e))

    def reads_memory(self, s: ir.Stmt) -> bool:
        return any(self.reads_memory_expr(e) for n in walk(s) if isinstance(n, ir.Stmt) for e in own_exprs(n))

    def check_thread0(self, s: ir.Stmt) -> None:
        """A statement run by thread 0 alone may not change variables the others read later."""
        declared = {n.name for n in walk(s) if isinstance(n, ir.Decl)}
        for n in walk(s):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in declared:
                raise cannot(getattr(s, "span", None), f"a block-level statement that writes memory and "
                                                       f"the variable '{n.target.name}'", self.target)


def _sum(items):
    out = items[0]
    for x in items[1:]:
        out = binary("+", out, x)
    return out


def _elem(t: Type) -> Type:
    while isinstance(t, Array):
        t = t.of
    return t


def _dims(t: Type) -> list[int]:
    out = []
    while isinstance(t, Array):
        out.append(t.size)
        t = t.of
    return out


def _root_name(e: ir.Expr) -> str | None:
    while isinstance(e, ir.Cast):
        e = e.operand
    return e.name if isinstance(e, ir.Var) else None


def _flatten(body: ir.Stmt, arrays: dict[str, Type]) -> ir.Stmt:
    """Accesses `a[i][j]` of arrays now held in scratch memory -> `a[i * J + j]` on `T* a`."""
    def fix(n):
        chain, x = [], n
        while isinstance(x, ir.Index):
            chain.append(x.index)
            x = x.base
        if not (isinstance(x, ir.Var) and x.name in arrays and isinstance(x.type, Array)):
            return None
        t = arrays[x.name]
        dims, elem = _dims(t), _elem(t)
        ptr = ir.Var(x.name, Pointer(elem), x.span)
        flat = None
        for k, i in enumerate(reversed(chain)):
            stride = 1
            for d in dims[k + 1:]:
                stride *= d
            i = ir.Cast(map_top_down(i, fix), I64)
            term = i if stride == 1 else binary("*", i, const(stride, I64))
            flat = term if flat is None else binary("+", flat, term)
        if flat is None:
            return ptr
        if len(chain) == len(dims):
            return ir.Index(ptr, flat, elem, n.span)
        return binary("+", ptr, flat, Pointer(elem))
    return map_top_down(body, fix)

del BOOL, Scalar
