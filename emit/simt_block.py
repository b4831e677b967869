"""The block mapping of a CUDA/HIP kernel: a parallel loop whose body holds parallel loops.

One block per iteration of the outer loop (`blockIdx.x`); the parallel loops of the block body
(thread loops) are distributed over `threadIdx.x` — one thread per iteration when the extent is
a compile-time constant the block holds (the block is the largest such extent, at most 1024),
strided over the block otherwise. A barrier follows every statement that writes memory (a
thread loop, or block-level code run by thread 0) and precedes one when memory may have been
read since the last barrier. Statements between them (block level) are block-uniform: every thread
runs those that write only registers, thread 0 those that write memory (then a barrier).
Serial loops and ifs around thread loops are run by every thread (their conditions are uniform).
Arrays of the block body: simt_memory.py.
"""
from __future__ import annotations

from xpiler import ir
from xpiler.constfold import fold
from xpiler.irutil import binary, const, walk
from xpiler.types import DType, I32, U32, Array, Pointer, Scalar, Space, scalar

from .offload import is_parallel
from .scoped import own_exprs
from .simt_atomic import is_atomic_call, lower_atomics
from .simt_kernel import (ALLOC, FLAT_BLOCK, SYNC, TID, KernelPlan, cannot, escaping_jumps, normal_form,
                          stmts_of)
from .simt_memory import BlockMemory
from .tidy import simplify

MAX_BLOCK = 1024


class BlockKernel:
    """Builds the kernel and launch of one block-mapped loop nest (`kb`: simt_kernel.KernelBuilder)."""

    def __init__(self, kb):
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
        subs = {ir.Block: lambda: s.stmts, ir.If: lambda: [s.then] + ([s.other] if s.other is not None else []),
                ir.For: lambda: [s.body], ir.While: lambda: [s.body],
                ir.Switch: lambda: [x for c in s.cases for x in c.body]}.get(type(s), lambda: [])
        for x in subs():
            yield from self.block_level(x)

    def build(self) -> KernelPlan:
        kb = self.kb
        self.memory = BlockMemory(self)
        self.body = self.memory.initialise(self.body)
        kb.check_body(self.body, frozenset(self.memory.dynamic))
        stmts, _ = self.lower_list(stmts_of(self.memory.rewrite(self.body)), pending=False)
        if stmts and stmts[-1] is SYNC:
            stmts.pop()                                # nothing follows the last barrier
        extra, prologue = self.memory.prologue()
        bid = ir.Decl(self.var, self.type, ir.Cast(ir.Builtin("blockIdx.x", U32), self.type))
        kernel = kb.function([bid] + prologue + stmts, extra, self.block)
        grid = kb.host_var("grid", I32)
        pre, shmem, args, post = self.memory.host(kb, grid)
        launch = ir.If(binary(">", grid, const(0)),
                       ir.Block(tuple(pre + [kb.launch(grid, self.block, shmem, args)] + post)))
        return KernelPlan(kernel, [simplify(ir.Block((ir.Decl(grid.name, I32, self.extent), launch)))])

    # ---- block-level statements ---------------------------------------------------------------
    def lower_list(self, stmts: list[ir.Stmt], pending: bool) -> tuple[list[ir.Stmt], bool]:
        """Lowered statements, and whether memory may have been read since the last barrier
        after them (`pending`: the same before them)."""
        out: list[ir.Stmt] = []
        memory = self.memory
        for s in stmts:
            if is_parallel(s) and not self.writes_memory(s):
                out.append(self.thread_loop(s))            # no other thread sees what it did
                pending = pending or self.reads_memory(s)
            elif is_parallel(s):
                out += ([SYNC] if pending else []) + [self.thread_loop(s), SYNC]
                pending = False
            elif any(is_parallel(n) for n in walk(s)):
                new, pending = self.compound(s, pending)
                out.append(new)
            elif isinstance(s, ir.Decl) and (s.name in memory.dynamic or isinstance(s.type, Array)):
                out.append(memory.decl(s))
                pending = pending or self.reads_memory(s)      # a local array's initializer
            elif isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee == "free" \
                    and _root_name(s.expr.args[0]) in memory.dynamic:
                continue                                   # per-block buffers live with the kernel
            elif self.writes_memory(s):
                decls, body, results = self.thread0_results(s)
                shared = [ir.Decl(self.fresh(f"__bcast_{v.name}"), v.type, space=Space.SHARED) for v in results]
                publish = [ir.Assign(ir.Var(d.name, d.type), None, v) for d, v in zip(shared, results)]
                thread0 = ir.If(binary("==", TID, const(0)), ir.Block(tuple(body + publish)))
                out += decls + shared + ([SYNC] if pending else []) + [thread0, SYNC]
                out += [ir.Assign(v, None, ir.Var(d.name, d.type)) for d, v in zip(shared, results)]
                pending = bool(results)
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
            then, p1 = self.lower_list(stmts_of(s.then), pending)
            other, p2 = self.lower_list(stmts_of(s.other), pending) if s.other is not None else (None, pending)
            return ir.If(s.cond, ir.Block(tuple(then)), ir.Block(tuple(other)) if other is not None else None,
                         s.span), p1 or p2
        if isinstance(s, (ir.For, ir.While)):
            if isinstance(s, ir.For):
                reads = reads or any(self.reads_memory(x) for x in s.init + s.step)
            body, end = self.lower_list(stmts_of(s.body), pending or reads)
            if (end or reads) and not (pending or reads):
                body, end = self.lower_list(stmts_of(s.body), True)    # for the later iterations
            after = pending or reads or end                # also right after zero iterations
            if isinstance(s, ir.For):
                return ir.For(s.init, s.cond, s.step, ir.Block(tuple(body)), (), s.span), after
            return ir.While(s.cond, ir.Block(tuple(body)), s.do_while, s.span), after
        raise cannot(getattr(s, "span", None), f"a parallel loop inside a {type(s).__name__.lower()}",
                     self.target)

    def thread_loop(self, s: ir.For) -> ir.Stmt:
        v, t, extent = normal_form(s, self.target)
        self.check_thread_body(s)
        body = ir.Block(tuple(stmts_of(s.body)))
        tid = TID if t == I32 else ir.Cast(ir.Builtin("threadIdx.x", U32), t)
        if self.is_mapped(s):
            if "continue" in escaping_jumps(body):     # `continue` leaves the iteration
                body = ir.Block((ir.While(ir.Const(False, scalar(DType.BOOL), "false"), body, True),))
            guarded = body.stmts if fold(extent) == self.block else \
                (ir.If(binary("<", ir.Var(v, t), extent), body),)
            return ir.Block((ir.Decl(v, t, tid),) + guarded)
        n = ir.Var("__extent", t)
        loop = ir.For((ir.Decl(v, t, tid),), binary("<", ir.Var(v, t), n),
                      (ir.Assign(ir.Var(v, t), "+", const(self.block)),), body, (), s.span)
        return ir.Block((ir.Decl(n.name, t, extent), loop))

    def check_thread_body(self, loop: ir.For) -> None:
        """Iterations of a thread loop may neither end the loop nor set block-level variables
        (each thread has its own copy)."""
        if "break" in escaping_jumps(loop.body):
            raise cannot(loop.span, "a 'break' out of a parallel loop", self.target)
        inner = {n.name for n in walk(loop) if isinstance(n, ir.Decl)} | set(self.memory.registers)
        for n in walk(loop.body):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in inner:
                raise cannot(n.span, f"a parallel loop whose iterations assign the variable "
                                     f"'{n.target.name}' of the enclosing iteration", self.target)

    # ---- effects ------------------------------------------------------------------------------
    def writes_memory(self, s: ir.Stmt) -> bool:
        for n in walk(s):
            if isinstance(n, ir.Assign) and not self.register_target(n.target):
                return True
            if isinstance(n, ir.Call) and (is_atomic_call(n) or n.callee in ("memcpy", "memset") or (
                    n.callee not in ALLOC and n.callee != "free" and any(isinstance(a.type, Pointer) for a in n.args))):
                return True
        return False

    def register_target(self, e: ir.Expr) -> bool:
        """`v`, `v.x`, or an element of a per-thread array (not through a pointer)."""
        while isinstance(e, (ir.Member, ir.Index)):
            if isinstance(e, ir.Index) and not (isinstance(e.base.type, Array) and (
                    not isinstance(e.base, ir.Var) or self.memory.is_register(e.base.name))):
                return False
            e = e.base
        return isinstance(e, ir.Var)

    def reads_memory_expr(self, e: ir.Expr) -> bool:
        return any(isinstance(n, (ir.Index, ir.Deref)) or (isinstance(n, ir.Call) and any(
            isinstance(a.type, Pointer) for a in n.args)) for n in walk(e))

    def reads_memory(self, s: ir.Stmt) -> bool:
        return any(self.reads_memory_expr(e) for n in walk(s) if isinstance(n, ir.Stmt) for e in own_exprs(n))

    def thread0_results(self, s: ir.Stmt) -> tuple[list[ir.Stmt], list[ir.Stmt], list[ir.Var]]:
        """A statement that writes memory runs on thread 0 alone; the scalars it sets that other
        threads read later are broadcast through shared memory. Returns (declarations for every
        thread, thread 0's statements, the variables to broadcast)."""
        if isinstance(s, ir.Decl):
            if not isinstance(s.type, Scalar) or s.init is None or s.ctor_args is not None:
                raise cannot(s.span, f"the block-level declaration of '{s.name}' with a side effect", self.target)
            v = ir.Var(s.name, s.type, s.span)
            decl = ir.Decl(s.name, s.type, None, None, s.storage - {"const", "constexpr"}, s.space, s.span)
            return [decl], [ir.Assign(v, None, s.init, s.span)], [v]
        declared = {n.name for n in walk(s) if isinstance(n, ir.Decl)}
        results: dict[str, ir.Var] = {}
        for n in walk(s):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name not in declared:
                if not isinstance(n.target.type, Scalar):
                    raise cannot(getattr(s, "span", None), f"a block-level statement that writes memory and "
                                                           f"the variable '{n.target.name}'", self.target)
                results.setdefault(n.target.name, ir.Var(n.target.name, n.target.type))
        return [], list(stmts_of(s)), list(results.values())

    def fresh(self, name: str) -> str:
        self.bcast_count = getattr(self, "bcast_count", 0) + 1
        return f"{name}{self.bcast_count}"


def _root_name(e: ir.Expr) -> str | None:
    while isinstance(e, ir.Cast):
        e = e.operand
    return e.name if isinstance(e, ir.Var) else None

