"""Lift CUDA/HIP kernels to the canonical form by thread-loop fission (docs/canonical.md).

Before: a launch `k<<<grid, block>>>(args)` of a SIMT kernel with shared memory, barriers, warp
        shuffles, atomics and wmma fragments.
After:  a parallel loop over blocks whose body is the kernel split at every barrier and warp
        collective into parallel loops over the block's threads. Thread-private variables that
        live across a split become per-block arrays indexed by the thread (`v[__t]`);
        block-uniform ones stay scalars; shuffles read the snapshot array of the source lane;
        fragments are per-warp tiles and wmma calls per-warp loops; `return` becomes a per-thread
        flag. Control flow around a split must be the same for every thread of the block.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir, irutil
from xpiler.constfold import fold
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import (BOOL, DType, F32, I32, U64, Array, Fragment, Pointer, Scalar, Space, Type,
                          VecKind, Vector, Void, scalar)

from xpiler.inline import CallInliner
from xpiler.intrinsics import lookup

from .host import dim_values, file_constants, lift_host

SHUFFLES = {"__shfl_sync": "idx", "__shfl": "idx", "__shfl_up_sync": "up", "__shfl_up": "up",
            "__shfl_down_sync": "down", "__shfl_down": "down", "__shfl_xor_sync": "xor",
            "__shfl_xor": "xor"}
# warp votes (cuda.md §5, hip.md): result per lane from every lane of its warp; `__activemask()` is
# the vote of a true predicate (lifted in converged code only, where every existing lane is active)
VOTES = {"__ballot_sync": "ballot", "__ballot": "ballot", "__any_sync": "any", "__any": "any",
         "__all_sync": "all", "__all": "all", "__activemask": "ballot"}
COLLECTIVES = set(SHUFFLES) | set(VOTES)
WMMA = {"wmma::fill_fragment", "wmma::load_matrix_sync", "wmma::store_matrix_sync", "wmma::mma_sync",
        "nvcuda::wmma::fill_fragment", "nvcuda::wmma::load_matrix_sync",
        "nvcuda::wmma::store_matrix_sync", "nvcuda::wmma::mma_sync"}
BARRIERS = {"__syncthreads"}
# (M, N, K, elements of a/b per lane, accumulator elements per lane, A map, B map, C/D map) as C
# expressions of the lane `l`, element `e` and register `r` (hip.md §7.1)
MFMA = {
    "__builtin_amdgcn_mfma_f32_16x16x4f32": (16, 16, 4, 1, 4, ("l % 16", "l / 16"), ("l / 16", "l % 16"),
                                             ("4 * (l / 16) + r", "l % 16")),
    "__builtin_amdgcn_mfma_f32_16x16x16f16": (16, 16, 16, 4, 4, ("l % 16", "4 * (l / 16) + e"),
                                              ("4 * (l / 16) + e", "l % 16"), ("4 * (l / 16) + r", "l % 16")),
    "__builtin_amdgcn_mfma_f32_32x32x8f16": (32, 32, 8, 4, 16, ("l % 32", "4 * (l / 32) + e"),
                                             ("4 * (l / 32) + e", "l % 32"),
                                             ("8 * (r / 4) + 4 * (l / 32) + r % 4", "l % 32")),
    "__builtin_amdgcn_mfma_f32_32x32x2f32": (32, 32, 2, 1, 16, ("l % 32", "l / 32"), ("l / 32", "l % 32"),
                                             ("8 * (r / 4) + 4 * (l / 32) + r % 4", "l % 32")),
}
IGNORED = {"__syncwarp", "__threadfence", "__threadfence_block"}
ATOMIC_OPS = {"atomicAdd": "+", "atomicSub": "-", "atomicMax": "max", "atomicMin": "min"}
T = "__t"
PARALLEL = ("omp parallel for",)


def cannot(span, what: str, target: str = "the canonical form") -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {target}")


def lift_simt(module: ir.Module) -> ir.Module:
    """The canonical module of a CUDA/HIP module: its host entries with kernels inlined."""
    warp = 32 if module.platform is ir.Platform.CUDA else 64
    counter = [0]
    constants = file_constants(module)          # block sizes written with them are known

    def instantiate(launch: ir.Launch, config: list[ir.Expr]) -> list[ir.Stmt]:
        kernel = module.function(launch.kernel)
        counter[0] += 1
        return Instance(module, kernel, launch, config, warp, counter[0]).build()

    functions = []
    for f in module.functions:
        if f.body is None:
            continue
        if f.kind is ir.FuncKind.HOST and _launches(f.body):
            functions.append(lift_host(f, instantiate, dict(constants)))
        elif f.kind is ir.FuncKind.DEVICE and _is_plain(f):
            # plain helpers are kept as functions: their device-only calls (__ldg, conversions)
            # need the same rewriting as the kernels' bodies get in Instance.prepare
            functions.append(dataclasses.replace(f, body=transform(f.body, plain_c_call), kind=ir.FuncKind.HOST,
                                                 qualifiers=frozenset({"static", "inline"})))
    return ir.Module(ir.Platform.VNNI, tuple(functions), file_scope_globals(module),
                     ("<math.h>", "<string.h>", "<stdlib.h>"), (), module.typedefs, module.filename)


def file_scope_globals(module: ir.Module) -> tuple[ir.Decl, ...]:
    """File-scope variables carried into the canonical form as plain C globals: constants
    (`constexpr int N = 128;`, `static const float T[4] = {...}`) and device variables
    (`__constant__ float w[72];`, `__device__ int hits[8];`), which the host fills or reads with
    memcpy (lift/host.py symbol_copy) and kernels use in place. Each emitter gives a global its
    target's place (emit/simt.py: `__constant__`/`__device__` with symbol copies; emit/bang.py: a
    GDRAM buffer; vnni: the global itself). Per-block `__shared__` variables are not here (a
    kernel declares them), nor `extern` ones (defined elsewhere)."""
    from .bang import plain_spaces
    keep = [g for g in module.globals if g.space in (Space.LOCAL, Space.GLOBAL, Space.CONSTANT, Space.GENERIC)
            and "extern" not in g.storage and g.name]
    return tuple(plain_spaces(g) for g in keep)


def _launches(stmt) -> bool:
    return any(isinstance(n, ir.Launch) for n in walk(stmt))


def _is_plain(fn: ir.Function) -> bool:
    for n in walk(fn.body):
        if isinstance(n, ir.Builtin):
            return False
        if isinstance(n, ir.Call) and (n.callee in COLLECTIVES or n.callee in BARRIERS or n.callee in WMMA):
            return False
    return True


class Instance:
    """One launch of one kernel, turned into canonical statements."""

    def __init__(self, module: ir.Module, kernel: ir.Function, launch: ir.Launch, config, warp: int, n: int):
        self.module = module
        self.kernel = kernel
        self.launch = launch
        self.config = config
        self.warp = warp
        self.tag = f"_{n}" if n > 1 else ""
        self.replicated: dict[str, Type] = {}     # thread-private variables living across splits
        self.fragments: dict[str, Fragment] = {}
        self.threads: int | None = None
        self.varying: set[str] = set()
        self.tmp = 0
        self.has_return = False
        self.guards: list[str] = []               # per-thread flags of enclosing divergent ifs
        self.shared_scalars: dict[str, Type] = {}  # __shared__ scalars: one-element block arrays
        self.assigned: set[str] = set()

    # ---- top level ----------------------------------------------------------------------------
    def build(self) -> list[ir.Stmt]:
        k, launch = self.kernel, self.launch
        if len(launch.args) != len(k.params):
            raise XpilerError(launch.span, f"launch of '{k.name}' with {len(launch.args)} arguments, "
                                           f"it takes {len(k.params)}")
        grid = dim_values(self.config[0])
        block = dim_values(self.config[1])
        shmem = self.config[2] if len(self.config) > 2 else None
        sizes = [fold(b) for b in block]
        self.threads = sizes[0] * sizes[1] * sizes[2] if all(isinstance(s, int) for s in sizes) else None
        out: list[ir.Stmt] = []
        pre = []
        for c, g, b in zip("xyz", grid, block):
            pre.append(ir.Decl(f"__gdim_{c}", I32, g))
            pre.append(ir.Decl(f"__bdim_{c}", I32, b))
        pre.append(ir.Decl("__shmem", I32, ir.Cast(shmem, I32) if shmem is not None else const(0)))
        for i, (p, a) in enumerate(zip(k.params, launch.args)):
            pre.append(ir.Decl(f"__arg{i}", p.type, a))
        inner: list[ir.Stmt] = [ir.Decl(p.name, p.type, ir.Var(f"__arg{i}", p.type)) for i, p in enumerate(k.params)]
        if k.template_params:
            for tp, targ in zip(k.template_params, launch.template_args):
                if tp.kind != "value":
                    raise cannot(launch.span, "a kernel templated on a type")
                inner.append(ir.Decl(tp.name, tp.type, targ, storage=frozenset({"const"})))
        body = self.prepare(k.body)
        self.varying = self.find_varying(body)
        self.assigned = {n.target.name for n in walk(body) if isinstance(n, ir.Assign)
                         and isinstance(n.target, ir.Var)}
        if any(self.is_split(st) for st in body.stmts):
            block_body = self.fission(list(body.stmts), top=True)
        else:                                   # no barrier: one thread loop, nothing replicated
            flag = [ir.Decl("__ret", BOOL, ir.Const(False, BOOL, "false"))] if self.has_return else []
            block_body = [self.thread_loop(flag + list(body.stmts), guard=False)]
        blk = ir.Var("__blk", I32)
        gx, gy = ir.Var("__gdim_x", I32), ir.Var("__gdim_y", I32)
        bid = [ir.Decl("__bid_x", I32, binary("%", blk, gx)),
               ir.Decl("__bid_y", I32, binary("%", binary("/", blk, gx), gy)),
               ir.Decl("__bid_z", I32, binary("/", blk, binary("*", gx, gy)))]
        block_body = [self.rewrite_shared(st) for st in block_body]
        decls = self.block_decls()
        nblocks = binary("*", binary("*", gx, gy), ir.Var("__gdim_z", I32))
        loop = _loop("__blk", nblocks, ir.Block(tuple(bid + decls + block_body)), PARALLEL)
        out.append(ir.PragmaStmt(f"xpiler launch {k.name}"))
        out.append(ir.Block(tuple(pre + inner + [loop])))
        return out

    def block_decls(self) -> list[ir.Stmt]:
        decls = []
        for name, t in self.replicated.items():
            if self.threads is None and isinstance(t, (Scalar, Pointer)):
                # a block size known only at run time: one element per thread, allocated per
                # block like dynamic shared memory
                count = binary("*", binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32)),
                               ir.Var("__bdim_z", I32))
                size = ir.Binary("*", ir.Cast(count, U64), ir.SizeOf(t, U64), U64)
                decls.append(ir.Decl(name, Pointer(t), ir.Cast(ir.Call("malloc", (size,), Pointer(Void())), Pointer(t))))
                continue
            decls.append(ir.Decl(name, Array(t, self.require_threads(name)), None))
        for name, f in self.fragments.items():
            rows, cols = f.shape
            nwarps = -(-self.require_threads(name) // 32)
            decls.append(ir.Decl(name, Array(Array(Array(F32 if f.of.is_float else I32, cols), rows), nwarps)))
        return decls

    def require_threads(self, why: str) -> int:
        if self.threads is None:
            raise cannot(self.launch.span, f"'{self.kernel.name}' ('{why}' lives across a barrier and "
                                           f"the block size is not a compile-time constant)")
        return self.threads

    # ---- preparation --------------------------------------------------------------------------
    def prepare(self, body: ir.Block) -> ir.Block:
        """Builtins to variables, device functions with collectives inlined, `return` to a flag."""
        def fix(e):
            if isinstance(e, ir.Builtin):
                name = e.name
                if name.startswith("threadIdx."):
                    return ir.Var(f"__tid_{name[-1]}", I32, e.span)
                if name.startswith("blockIdx."):
                    return ir.Var(f"__bid_{name[-1]}", I32, e.span)
                if name.startswith("blockDim."):
                    return ir.Var(f"__bdim_{name[-1]}", I32, e.span)
                if name.startswith("gridDim."):
                    return ir.Var(f"__gdim_{name[-1]}", I32, e.span)
                if name == "warpSize":
                    return const(self.warp)
                raise cannot(e.span, f"'{name}'")
            return e
        body = transform(body, fix)
        body = transform(body, plain_c_call)
        body = transform(body, scalarize_vector_decl)
        body = Inliner(self.module).run(body)
        body = transform(body, fix)
        body = transform(body, self.atomic)
        for n in walk(body):
            if isinstance(n, ir.Call) and n.callee in ATOMIC_OPS:
                raise cannot(n.span, f"{n.callee} whose old value is used")
        if any(isinstance(n, ir.Return) for n in walk(body)):
            self.has_return = True
            body = ReturnToFlag().run(body)
        return body

    def atomic(self, node):
        """`atomicAdd(p, v);` -> `#pragma omp atomic` `*p += v;` (max/min: `omp critical`)."""
        if isinstance(node, ir.ExprStmt) and isinstance(node.expr, ir.Call) and node.expr.callee in ATOMIC_OPS:
            c = node.expr
            op = ATOMIC_OPS[c.callee]
            target = ir.Deref(c.args[0], c.args[0].type.to, c.span)
            if op in "+-":
                return [ir.PragmaStmt("omp atomic"), ir.Assign(target, op, c.args[1], node.span)]
            cmp = ">" if op == "max" else "<"
            update = ir.If(binary(cmp, c.args[1], target), ir.Block((ir.Assign(target, None, c.args[1], node.span),)))
            return [ir.PragmaStmt("omp critical"), ir.Block((update,))]
        return node

    def find_varying(self, body: ir.Block) -> set[str]:
        """Variables whose value can differ between threads of a block (flow-insensitive)."""
        varying = {"__tid_x", "__tid_y", "__tid_z", "__ret"}
        defs: list[tuple[str, list[ir.Expr], list[ir.Expr]]] = []

        def visit(s, conds):
            if isinstance(s, ir.Decl):
                defs.append((s.name, [s.init] if s.init is not None else list(s.ctor_args or ()), conds))
            elif isinstance(s, ir.Assign) and isinstance(s.target, ir.Var):
                defs.append((s.target.name, [s.value], conds))
            elif isinstance(s, ir.If):
                visit(s.then, conds + [s.cond])
                if s.other is not None:
                    visit(s.other, conds + [s.cond])
                return
            elif isinstance(s, (ir.For, ir.While)):
                inner = conds + ([s.cond] if s.cond is not None else [])
                counters = {d.name for d in getattr(s, "init", ()) if isinstance(d, ir.Decl)}
                # a counter declared by the loop runs the same sequence in every thread that runs
                # the loop (guards keep the others out), so enclosing conditions do not matter
                for st in getattr(s, "init", ()):
                    visit(st, [] if isinstance(st, ir.Decl) else conds)
                visit(s.body, inner)
                for st in getattr(s, "step", ()):
                    own = isinstance(st, ir.Assign) and isinstance(st.target, ir.Var) and st.target.name in counters
                    visit(st, [s.cond] if own and s.cond is not None else inner)
                return
            elif isinstance(s, ir.Block):
                for st in s.stmts:
                    visit(st, conds)
                return
            elif isinstance(s, ir.Switch):
                for c in s.cases:
                    for st in c.body:
                        visit(st, conds + [s.value])
        visit(body, [])
        changed = True
        while changed:
            changed = False
            for name, values, conds in defs:
                if name in varying:
                    continue
                if any(self.expr_varying(e, varying) for e in values + conds):
                    varying.add(name)
                    changed = True
        return varying

    def expr_varying(self, e: ir.Expr, varying: set[str]) -> bool:
        for n in walk(e):
            if isinstance(n, ir.Var) and n.name in varying:
                return True
            if isinstance(n, ir.Call) and (n.callee in COLLECTIVES or n.callee.startswith("atomic")):
                return True
        return False

    # ---- fission ------------------------------------------------------------------------------
    def is_split(self, s: ir.Stmt) -> bool:
        for n in walk(s):
            if isinstance(n, ir.Call) and (n.callee in BARRIERS or n.callee in COLLECTIVES or n.callee in WMMA
                                           or n.callee in MFMA):
                return True
            if isinstance(n, ir.Decl) and isinstance(n.type, Fragment):
                return True
        return False

    def fission(self, stmts: list[ir.Stmt], top: bool = False) -> list[ir.Stmt]:
        """Block-level statements for a statement list that contains split points."""
        out: list[ir.Stmt] = []
        region: list[ir.Stmt] = []

        def flush():
            if region:
                out.append(self.thread_loop(list(region)))
                region.clear()

        if top and self.has_return:
            init = self.replicate_decl(ir.Decl("__ret", BOOL, ir.Const(False, BOOL, "false")))
            out.append(self.thread_loop([init], guard=False))
        for s in stmts:
            if isinstance(s, ir.Decl):
                if isinstance(s.type, Fragment):
                    self.fragments[s.name] = s.type
                    continue
                if s.space is Space.SHARED:
                    out.append(self.shared_decl(s))
                    continue
                # a decl initialised from a replicated variable (an inlined helper's result,
                # `T r = <local assigned in a thread loop>`) is per-thread too: at block level
                # the replicated name would be read as a whole array
                reads_replicated = s.init is not None and any(
                    isinstance(n, ir.Var) and n.name in self.replicated for n in walk(s.init))
                if s.name in self.varying or s.name in self.assigned or isinstance(s.type, Array) \
                        or reads_replicated:
                    init = self.replicate_decl(s)
                    if s.init is not None and self.is_split(init):
                        # `T v = __shfl_*(...)`: snapshot, split, then read, as for any statement
                        pre, mid, init = self.split_shuffles(init)
                        region.extend(pre)
                        flush()
                        region.extend(mid)
                    region.append(init)
                    continue
                flush()
                out.append(s)
                continue
            if not self.is_split(s):
                region.append(s)
                continue
            if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee in BARRIERS:
                flush()
                continue
            if isinstance(s, ir.ExprStmt) and isinstance(s.expr, ir.Call) and s.expr.callee in WMMA:
                flush()
                out.extend(self.wmma(s.expr))
                continue
            if isinstance(s, ir.Assign) and s.op is None and isinstance(s.value, ir.Call) \
                    and s.value.callee in MFMA and isinstance(s.target, ir.Var):
                flush()
                out.extend(self.mfma(s.target, s.value))
                continue
            if isinstance(s, ir.Block):
                flush()
                out.extend(self.fission(list(s.stmts)))
                continue
            if isinstance(s, ir.If) and self.expr_varying(s.cond, self.varying):
                # divergent: remember each thread's decision, run every region of a branch
                # only for the threads that took it
                self.tmp += 1
                flag = f"__c{self.tmp}"
                self.replicated[flag] = BOOL
                region.append(ir.Assign(ir.Var(flag, BOOL), None, s.cond, s.span))
                flush()
                self.guards.append(flag)
                out.extend(self.fission(_stmts(s.then)))
                self.guards.pop()
                if s.other is not None:
                    self.guards.append("!" + flag)
                    out.extend(self.fission(_stmts(s.other)))
                    self.guards.pop()
                continue
            if isinstance(s, ir.If):
                flush()
                then = self.fission(_stmts(s.then))
                other = self.fission(_stmts(s.other)) if s.other is not None else None
                out.append(ir.If(s.cond, ir.Block(tuple(then)), ir.Block(tuple(other)) if other is not None else None, s.span))
                continue
            if isinstance(s, ir.For) and (
                    any(isinstance(st, ir.Decl) and st.name in self.varying for st in s.init)
                    or (s.cond is not None and self.expr_varying(s.cond, self.varying))):
                # divergent trip counts: every thread keeps its own counter and an activity
                # flag; the block iterates while any thread is active
                for st in s.init:
                    if isinstance(st, ir.Decl):
                        region.append(self.replicate_decl(st))
                    else:
                        region.append(st)
                flush()
                out.extend(self.divergent_loop(s))
                continue
            if isinstance(s, ir.For):
                flush()
                body = self.fission(_stmts(s.body))
                out.append(ir.For(s.init, s.cond, s.step, ir.Block(tuple(body)), (), s.span))
                continue
            if isinstance(s, ir.While):
                self.require_uniform(s.cond, s.span, "a barrier inside a loop whose trip count depends on the thread")
                flush()
                out.append(ir.While(s.cond, ir.Block(tuple(self.fission(_stmts(s.body)))), s.do_while, s.span))
                continue
            # a statement with shuffles in its expressions: snapshot, split, then read
            pre, mid, post = self.split_shuffles(s)
            region.extend(pre)
            flush()
            region.extend(mid)
            region.append(post)
        flush()
        return out

    def divergent_loop(self, s: ir.For) -> list[ir.Stmt]:
        self.tmp += 1
        act, anyv = f"__act{self.tmp}", f"__any{self.tmp}"
        self.replicated[act] = BOOL
        cond = s.cond if s.cond is not None else ir.Const(True, BOOL, "true")
        guard = None
        for g in self.guards:
            c = ir.Unary("!", ir.Var(g[1:], BOOL), BOOL) if g.startswith("!") else ir.Var(g, BOOL)
            guard = c if guard is None else binary("&&", guard, c)
        if self.has_return:
            alive = ir.Unary("!", ir.Var("__ret", BOOL), BOOL)
            guard = alive if guard is None else binary("&&", guard, alive)
        active = cond if guard is None else binary("&&", guard, cond)
        saved = self.guards
        self.guards = []
        compute = self.thread_loop([ir.Assign(ir.Var(act, BOOL), None, active)], guard=False)
        self.guards = saved
        t = ir.Var(T, I32)
        flag = ir.Index(self.rows(act, BOOL), t, BOOL)
        total = binary("*", binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32)), ir.Var("__bdim_z", I32))
        reduce = [ir.Decl(anyv, I32, const(0)),
                  _loop(T, total, ir.Block((ir.If(flag, ir.Block((ir.Assign(ir.Var(anyv, I32), None, const(1)),))),)))]
        stop = ir.If(ir.Unary("!", ir.Var(anyv, I32), BOOL), ir.Block((ir.Break(),)))
        self.guards = self.guards + [act]
        body = self.fission(_stmts(s.body))
        step = [self.thread_loop(list(s.step))] if s.step else []
        self.guards = self.guards[:-1]
        loop_body = [compute] + reduce + [stop] + body + step
        return [ir.While(ir.Const(True, BOOL, "true"), ir.Block(tuple(loop_body)), False, s.span)]

    def shared_decl(self, s: ir.Decl) -> ir.Decl:
        """A `__shared__` variable: a per-block array (a scalar becomes `name[1]`)."""
        if isinstance(s.type, Array) and s.type.size is None:
            shmem = ir.Var("__shmem", I32)
            elem = s.type.of
            return ir.Decl(s.name, Pointer(elem), ir.Cast(ir.Call("malloc", (shmem,), Pointer(elem)), Pointer(elem)),
                           span=s.span)
        if not isinstance(s.type, Array):
            self.shared_scalars[s.name] = s.type
            return ir.Decl(s.name, Array(s.type, 1), None, span=s.span)
        return dataclasses.replace(s, space=Space.LOCAL, storage=s.storage - {"static", "extern"})

    def require_uniform(self, e: ir.Expr, span, what: str) -> None:
        if self.expr_varying(e, self.varying):
            raise cannot(span, what)

    def replicate_decl(self, s: ir.Decl) -> ir.Stmt:
        t = s.type
        if isinstance(t, Array) and t.size is not None and (s.init is None or isinstance(s.init, ir.InitList)):
            self.replicated[s.name] = t               # per-thread array: one row per thread
            if s.init is None:
                return ir.Block(())
            return ir.Block(tuple(array_initialization(ir.Var(s.name, t, s.span), s.init, s.name)))
        if not isinstance(t, (Scalar, Pointer)) and not (isinstance(t, Vector) and t.kind is VecKind.STRUCT):
            raise cannot(s.span, f"the thread-private {t.c()} variable '{s.name}' that lives across a barrier")
        self.replicated[s.name] = t
        if s.init is None:
            return ir.Block(())
        return ir.Assign(ir.Var(s.name, t, s.span), None, s.init, s.span)

    def thread_loop(self, stmts: list[ir.Stmt], guard: bool = True) -> ir.Stmt:
        body = self.tid_decls()
        stmts = [self.rewrite_private(s) for s in stmts]
        conds = []
        if self.has_return and guard:
            conds.append(ir.Unary("!", self.flag("__ret"), BOOL))
        for g in (self.guards if guard else []):
            conds.append(ir.Unary("!", self.flag(g[1:]), BOOL) if g.startswith("!") else self.flag(g))
        if conds:
            cond = conds[0]
            for c in conds[1:]:
                cond = binary("&&", cond, c)
            stmts = [ir.If(cond, ir.Block(tuple(stmts)))]
        extent = binary("*", binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32)), ir.Var("__bdim_z", I32))
        return _loop(T, extent, ir.Block(tuple(body + stmts)), PARALLEL)

    def rewrite_shared(self, s):
        """Shared scalars used in block-level statements (loop bounds, conditions) -> name[0]."""
        shared = self.shared_scalars
        if not shared:
            return s

        def fix(n):
            if isinstance(n, ir.Var) and n.name in shared and not isinstance(n.type, Array):
                return ir.Index(ir.Var(n.name, Array(n.type, 1), n.span), const(0), n.type, n.span)
            return n
        return transform(s, fix)

    def flag(self, name: str) -> ir.Expr:
        return ir.Index(self.rows(name, BOOL), ir.Var(T, I32), BOOL)

    def rows(self, name: str, t: Type, span=None) -> ir.Var:
        """The per-thread copies of a replicated variable: an array with a row per thread, or
        a pointer to them when the block size is known only at run time (block_decls)."""
        if self.threads is None and isinstance(t, (Scalar, Pointer)):
            return ir.Var(name, Pointer(t), span)
        return ir.Var(name, Array(t, None), span)

    def rewrite_private(self, s):
        """References to replicated variables become `name[__t]`, respecting inner shadowing."""
        replicated = self.replicated
        shared = self.shared_scalars

        def rewrite(node, shadowed: frozenset):
            if isinstance(node, ir.Var) and node.name in shared and node.name not in shadowed \
                    and not isinstance(node.type, Array):
                return ir.Index(ir.Var(node.name, Array(node.type, 1), node.span), const(0), node.type, node.span)
            if isinstance(node, ir.Var) and node.name in replicated and node.name not in shadowed \
                    and (not isinstance(node.type, Array) or node.type == replicated[node.name]):
                t = replicated[node.name]
                return ir.Index(self.rows(node.name, t, node.span), ir.Var(T, I32), t, node.span)
            if isinstance(node, ir.Block):
                items, sh = [], shadowed
                for st in node.stmts:
                    items.append(rewrite(st, sh))
                    if isinstance(st, ir.Decl):
                        sh = sh | {st.name}
                return ir.Block(tuple(items), node.span)
            if isinstance(node, ir.For):
                sh = shadowed | {d.name for d in node.init if isinstance(d, ir.Decl)}
                init = tuple(rewrite(d, shadowed) for d in node.init)
                return ir.For(init, rewrite(node.cond, sh) if node.cond is not None else None,
                              tuple(rewrite(x, sh) for x in node.step), rewrite(node.body, sh), node.pragmas, node.span)
            if isinstance(node, ir.Decl):
                return dataclasses.replace(node, init=rewrite(node.init, shadowed) if node.init is not None else None,
                                           ctor_args=tuple(rewrite(a, shadowed) for a in node.ctor_args)
                                           if node.ctor_args is not None else None)
            if not dataclasses.is_dataclass(node) or isinstance(node, Type):
                return node
            changes = {}
            for f in dataclasses.fields(node):
                if f.name == "span":
                    continue
                v = getattr(node, f.name)
                if isinstance(v, (ir.Expr, ir.Stmt)):
                    nv = rewrite(v, shadowed)
                    if nv is not v:
                        changes[f.name] = nv
                elif isinstance(v, tuple) and v and isinstance(v[0], (ir.Expr, ir.Stmt, ir.Case)):
                    changes[f.name] = tuple(rewrite(x, shadowed) if not isinstance(x, ir.Case) else
                                            ir.Case(tuple(rewrite(y, shadowed) for y in x.values),
                                                    tuple(rewrite(y, shadowed) for y in x.body)) for x in v)
            return dataclasses.replace(node, **changes) if changes else node
        return rewrite(s, frozenset())

    # ---- warp collectives ---------------------------------------------------------------------
    def split_shuffles(self, s: ir.Stmt) -> tuple[list[ir.Stmt], list[ir.Stmt], ir.Stmt]:
        """(statements before the split: each lane's contribution, statements after it that
        gather a vote from the warp's lanes, the statement reading the collectives' results)."""
        pre: list[ir.Stmt] = []
        mid: list[ir.Stmt] = []

        def fix(e):
            if isinstance(e, ir.Call) and e.callee in VOTES:
                return self.vote(e, pre, mid)
            if not (isinstance(e, ir.Call) and e.callee in SHUFFLES):
                return e
            kind = SHUFFLES[e.callee]
            args = e.args[1:] if e.callee.endswith("_sync") else e.args
            value, operand = args[0], args[1]
            width = args[2] if len(args) > 2 else const(self.warp)
            self.tmp += 1
            name = f"__shfl{self.tmp}"
            if not isinstance(value.type, Scalar):
                raise cannot(e.span, f"a shuffle of {value.type.c()}")
            self.replicated[name] = value.type
            pre.append(ir.Assign(ir.Var(name, value.type), None, value))
            return ir.Index(self.rows(name, value.type), self.source_lane(kind, operand, width),
                            value.type, e.span)
        post = transform(s, fix)
        if any(isinstance(n, ir.Call) and n.callee in COLLECTIVES for n in walk(post)):
            raise cannot(s.span, "nested shuffles")
        return pre, mid, post

    def vote(self, e: ir.Call, pre: list, mid: list) -> ir.Expr:
        """A warp vote: each lane's predicate is snapshot before the split; after it, each lane
        gathers the bits of its warp's existing lanes (the mask argument is not needed: lifted
        code is converged, every lane of the warp takes part)."""
        if self.guards:
            raise cannot(e.span, f"{e.callee} in code only some threads of a warp run")
        kind = VOTES[e.callee]
        args = e.args[1:] if e.callee.endswith("_sync") else e.args
        pred = args[0] if args else ir.Const(1, I32, "1")
        self.tmp += 1
        vote, bits = f"__vote{self.tmp}", f"__bits{self.tmp}"
        mask_t = scalar(DType.U64 if self.warp == 64 else DType.U32)
        self.replicated[vote] = BOOL
        self.replicated[bits] = mask_t
        pre.append(ir.Assign(ir.Var(vote, BOOL), None, binary("!=", pred, const(0))))
        t = ir.Var(T, I32)
        j = ir.Var(f"__j{self.tmp}", I32)
        lane_t = binary("+", binary("-", t, binary("%", t, const(self.warp))), j)
        total = binary("*", binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32)), ir.Var("__bdim_z", I32))
        voted = ir.Index(self.rows(vote, BOOL), lane_t, BOOL)
        one = ir.Cast(ir.Const(1, I32, "1"), mask_t)
        take = ir.If(ir.Binary("&&", binary("<", lane_t, total), voted, BOOL),
                     ir.Block((ir.Assign(ir.Var(bits, mask_t), "|", binary("<<", one, j, mask_t)),)))
        mid.append(ir.Assign(ir.Var(bits, mask_t), None, ir.Cast(ir.Const(0, I32, "0"), mask_t)))
        mid.append(_loop(j.name, const(self.warp), ir.Block((take,))))
        value = ir.Var(bits, mask_t)
        if kind == "any":
            return ir.Cast(binary("!=", value, ir.Cast(const(0), mask_t)), e.type)
        if kind == "all":
            # every existing lane of the warp voted true
            self.tmp += 1
            live = f"__live{self.tmp}"
            self.replicated[live] = mask_t
            k = ir.Var(f"__k{self.tmp}", I32)
            lane_k = binary("+", binary("-", t, binary("%", t, const(self.warp))), k)
            mid.append(ir.Assign(ir.Var(live, mask_t), None, ir.Cast(ir.Const(0, I32, "0"), mask_t)))
            mid.append(_loop(k.name, const(self.warp), ir.Block((ir.If(
                binary("<", lane_k, total),
                ir.Block((ir.Assign(ir.Var(live, mask_t), "|", binary("<<", one, k, mask_t)),))),))))
            return ir.Cast(binary("==", value, ir.Var(live, mask_t)), e.type)
        return ir.Cast(value, e.type) if e.type != mask_t else value

    def source_lane(self, kind: str, operand: ir.Expr, width: ir.Expr) -> ir.Expr:
        """Index (thread number in the block) of the lane a shuffle reads (cuda.md §5)."""
        t = ir.Var(T, I32)
        ws = const(self.warp)
        lane = binary("%", t, ws)
        base = binary("-", t, lane)
        seg = binary("*", binary("/", lane, width), width)
        op = ir.Cast(operand, I32)
        if kind == "idx":
            src = binary("+", seg, binary("%", op, width))
        elif kind == "up":
            cand = binary("-", lane, op)
            src = ir.Ternary(binary(">=", cand, seg), cand, lane, I32)
        elif kind == "down":
            cand = binary("+", lane, op)
            src = ir.Ternary(binary("<", cand, binary("+", seg, width)), cand, lane, I32)
        else:
            cand = binary("^", lane, op)
            src = ir.Ternary(binary("<", cand, binary("+", seg, width)), cand, lane, I32)
        index = binary("+", base, src)
        total = binary("*", binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32)), ir.Var("__bdim_z", I32))
        return ir.Ternary(binary("<", index, total), index, t, I32)

    def mfma(self, target: ir.Var, call: ir.Call) -> list[ir.Stmt]:
        """`d = __builtin_amdgcn_mfma_*(a, b, c, 0, 0, blgp)` as a loop over the block's
        wavefronts: gather A, B, C from the lanes (hip.md §7.1), multiply in double, scatter D."""
        M, N, K, E, R, amap, bmap, cmap = MFMA[call.callee]
        cbsz, abid, blgp = (fold(a) for a in call.args[3:6])
        if cbsz != 0 or abid != 0 or blgp != 0:
            raise cannot(call.span, f"{call.callee} with CBSZ/ABID/BLGP modifiers")
        if self.warp != 64:
            raise cannot(call.span, f"{call.callee} outside a 64-lane wavefront")
        threads = self.require_threads("an MFMA accumulator")
        if threads % 64:
            raise cannot(call.span, f"{call.callee} in a block that is not whole wavefronts")
        F64 = scalar(DType.F64)
        l, e, r, w = (ir.Var(n, I32) for n in ("__l", "__e", "__r", "__w"))
        env = {"l": l, "e": e, "r": r}
        t = binary("+", binary("*", w, const(64)), l)
        A = ir.Var("__A", Array(F64, M * K))
        B = ir.Var("__B", Array(F64, K * N))
        D = ir.Var("__D", Array(F64, M * N))
        flat = lambda arr, ij, cols: ir.Index(arr, binary("+", binary("*", _c_expr(ij[0], env), const(cols)),
                                                              _c_expr(ij[1], env)), F64)

        a, b, c = call.args[:3]
        lane_decls = [ir.Decl(T, I32, t)] + self.tid_decls()
        gather = [_loop("__e", const(E), ir.Block((
                      ir.Assign(flat(A, amap, K), None, ir.Cast(_elem(a, e), F64)),
                      ir.Assign(flat(B, bmap, N), None, ir.Cast(_elem(b, e), F64))))),
                  _loop("__r", const(R), ir.Assign(flat(D, cmap, N), None, ir.Cast(_elem(c, r), F64)))]
        i, j, k = ir.Var("__i", I32), ir.Var("__j", I32), ir.Var("__k", I32)
        mm = _loop("__i", const(M), _loop("__j", const(N), _loop("__k", const(K), ir.Assign(
            ir.Index(D, binary("+", binary("*", i, const(N)), j), F64), "+",
            binary("*", ir.Index(A, binary("+", binary("*", i, const(K)), k), F64),
                   ir.Index(B, binary("+", binary("*", k, const(N)), j), F64))))))
        scatter = [_loop("__r", const(R), ir.Assign(_elem(target, r), None,
                                                    ir.Cast(flat(D, cmap, N), scalar(DType.F32))))]
        per_lane_in = _loop("__l", const(64), ir.Block(tuple(lane_decls + [self.rewrite_private(x) for x in gather])))
        per_lane_out = _loop("__l", const(64), ir.Block(tuple(lane_decls + [self.rewrite_private(x) for x in scatter])))
        body = ir.Block((ir.Decl("__A", A.type), ir.Decl("__B", B.type), ir.Decl("__D", D.type),
                         per_lane_in, mm, per_lane_out))
        return [ir.PragmaStmt(f"xpiler region {call.callee}"), _loop("__w", const(threads // 64), body, PARALLEL)]

    def tid_decls(self) -> list[ir.Stmt]:
        return [ir.Decl("__tid_x", I32, binary("%", ir.Var(T, I32), ir.Var("__bdim_x", I32))),
                ir.Decl("__tid_y", I32, binary("%", binary("/", ir.Var(T, I32), ir.Var("__bdim_x", I32)), ir.Var("__bdim_y", I32))),
                ir.Decl("__tid_z", I32, binary("/", ir.Var(T, I32), binary("*", ir.Var("__bdim_x", I32), ir.Var("__bdim_y", I32))))]

    def wmma(self, call: ir.Call) -> list[ir.Stmt]:
        """A wmma call as a loop over the block's warps, each doing the tile operation."""
        name = call.callee.replace("nvcuda::", "")
        w = ir.Var("__w", I32)
        frag_of = lambda e: (e.name, self.fragments[e.name]) if isinstance(e, ir.Var) and e.name in self.fragments \
            else (_ for _ in ()).throw(cannot(call.span, "a wmma fragment that is not a local variable"))
        fidx = lambda fname, t, i, j: ir.Index(ir.Index(ir.Index(ir.Var(fname, Array(Array(Array(F32, None), None), None)), w,
                                                                Array(Array(F32, None), None)), i, Array(F32, None)), j,
                                               F32 if t.of.is_float else I32)
        i, j, k = ir.Var("__i", I32), ir.Var("__j", I32), ir.Var("__k", I32)
        body: list[ir.Stmt] = []
        if name == "wmma::fill_fragment":
            fname, ft = frag_of(call.args[0])
            rows, cols = ft.shape
            body = [_loop("__i", const(rows), _loop("__j", const(cols), ir.Assign(fidx(fname, ft, i, j), None,
                                                                                    _round(call.args[1], ft))))]
        elif name == "wmma::load_matrix_sync":
            fname, ft = frag_of(call.args[0])
            rows, cols = ft.shape
            ptr, ldm = call.args[1], call.args[2]
            row_major = ft.layout != "col_major" if len(call.args) < 4 else _row_major(call.args[3])
            p = ir.Var("__p", ptr.type)
            idx = binary("+", binary("*", i, ir.Var("__ld", I32)), j) if row_major else \
                binary("+", binary("*", j, ir.Var("__ld", I32)), i)
            body = [ir.Decl("__p", ptr.type, ptr), ir.Decl("__ld", I32, ir.Cast(ldm, I32)),
                    _loop("__i", const(rows), _loop("__j", const(cols), ir.Assign(
                        fidx(fname, ft, i, j), None, ir.Cast(ir.Index(p, idx, ptr.type.to), F32 if ft.of.is_float else I32))))]
        elif name == "wmma::store_matrix_sync":
            ptr, (fname, ft), ldm, layout = call.args[0], frag_of(call.args[1]), call.args[2], call.args[3]
            rows, cols = ft.shape
            p = ir.Var("__p", ptr.type)
            idx = binary("+", binary("*", i, ir.Var("__ld", I32)), j) if _row_major(layout) else \
                binary("+", binary("*", j, ir.Var("__ld", I32)), i)
            body = [ir.Decl("__p", ptr.type, ptr), ir.Decl("__ld", I32, ir.Cast(ldm, I32)),
                    _loop("__i", const(rows), _loop("__j", const(cols), ir.Assign(
                        ir.Index(p, idx, ptr.type.to), None, ir.Cast(fidx(fname, ft, i, j), ptr.type.to))))]
        elif name == "wmma::mma_sync":
            (d, dt), (a, at), (b, bt), (c, ct) = (frag_of(x) for x in call.args[:4])
            acc = ir.Var("__acc", F32)
            inner = _loop("__k", const(at.k), ir.Assign(acc, "+", binary("*", fidx(a, at, i, k), fidx(b, bt, k, j))))
            body = [_loop("__i", const(dt.m), _loop("__j", const(dt.n), ir.Block((
                ir.Decl("__acc", F32, fidx(c, ct, i, j)), inner,
                ir.Assign(fidx(d, dt, i, j), None, _round(acc, dt))))))]
        else:
            raise cannot(call.span, call.callee)
        # evaluate the call's per-thread arguments as the warp's first lane
        lane0 = ir.Decl(T, I32, binary("*", w, const(32)))
        tids = self.tid_decls()
        ops = [self.rewrite_private(s) for s in body]
        conds = []
        if self.has_return:
            conds.append(ir.Unary("!", self.flag("__ret"), BOOL))
        for g in self.guards:
            conds.append(ir.Unary("!", self.flag(g[1:]), BOOL) if g.startswith("!") else self.flag(g))
        if conds:
            cond = conds[0]
            for c in conds[1:]:
                cond = binary("&&", cond, c)
            ops = [ir.If(cond, ir.Block(tuple(ops)))]
        block = ir.Block(tuple([lane0] + tids + ops))
        nwarps = const(-(-self.require_threads("a wmma fragment") // 32))
        return [ir.PragmaStmt(f"xpiler region {call.callee}"), _loop("__w", nwarps, block, PARALLEL)]


HALF_OPS = {"__hadd": "+", "__hsub": "-", "__hmul": "*", "__hdiv": "/"}


def scalarize_vector_decl(node):
    """A local GCC/clang vector (floatx4, halfx4) becomes an array of its elements: element
    access `v[i]` reads the same; `= {a, b}` initialises the leading elements, the rest are 0;
    a whole-vector assignment or initialisation (`v = xv[i];`, `yv[i] = v;`, `v += w * 2.0f;`)
    is one per element, element k of an element-wise expression reading element k of each vector
    in it (`_vector_lane`)."""
    if not (isinstance(node, ir.Block)):
        return node
    out = []
    vectors = {}
    for st in node.stmts:
        if isinstance(st, ir.Decl) and isinstance(st.type, Vector) and st.type.kind.value == "ext":
            t = st.type
            arr = Array(scalar(t.of), t.lanes)
            vectors[st.name] = arr
            out.append(ir.Decl(st.name, arr, None, None, frozenset(), Space.LOCAL, st.span))
            if isinstance(st.init, ir.InitList):
                items = list(st.init.items)
                for i in range(t.lanes):
                    value = items[i] if i < len(items) else const(0)
                    out.append(ir.Assign(ir.Index(ir.Var(st.name, arr), const(i), scalar(t.of)), None,
                                         ir.Cast(value, scalar(t.of))))
            elif st.init is not None:            # split by `retype` below, as an assignment
                out.append(ir.Assign(ir.Var(st.name, t, st.span), None, st.init, st.span))
            continue
        out.append(st)
    if not vectors:
        return node

    def scalarized(e) -> bool:
        return isinstance(e, ir.Var) and e.name in vectors and isinstance(e.type, Array)

    def retype(n):
        if isinstance(n, ir.Var) and n.name in vectors and isinstance(n.type, Vector):
            return ir.Var(n.name, vectors[n.name], n.span)
        if isinstance(n, ir.Assign) and not isinstance(n.value, ir.Call) and \
                (scalarized(n.target) or isinstance(n.target.type, Vector)) and \
                any(scalarized(x) for x in walk(n)):
            lanes = n.target.type.size if scalarized(n.target) else n.target.type.lanes
            return [ir.Assign(_vector_lane(n.target, k, vectors), n.op, _vector_lane(n.value, k, vectors), n.span)
                    for k in range(lanes)]
        return n
    stmts = [transform(st, retype) for st in out]
    return ir.Block(tuple(x for st in stmts for x in (st if isinstance(st, list) else [st])), node.span)


def _vector_lane(e: ir.Expr, k: int, vectors: dict[str, Array]) -> ir.Expr:
    """Element `k` of an element-wise vector expression whose local vectors are arrays now; a
    scalar operand is the same for every element (GCC broadcasts it)."""
    if isinstance(e, ir.Var) and e.name in vectors and isinstance(e.type, Array):
        return ir.Index(e, const(k), e.type.of, e.span)
    if not isinstance(e.type, Vector):
        if any(isinstance(x, ir.Var) and x.name in vectors and isinstance(x.type, Array) for x in walk(e)):
            raise cannot(e.span, "a vector used as a whole in this expression")
        return e
    elem = scalar(e.type.of)
    if isinstance(e, ir.Binary) and e.op in ("+", "-", "*", "/", "%", "&", "|", "^", "<<", ">>"):
        return ir.Binary(e.op, _vector_lane(e.left, k, vectors), _vector_lane(e.right, k, vectors), elem, e.span)
    if isinstance(e, ir.Unary) and e.op in ("-", "+", "~"):
        return ir.Unary(e.op, _vector_lane(e.operand, k, vectors), elem, e.span)
    if any(isinstance(x, ir.Var) and x.name in vectors and isinstance(x.type, Array) for x in walk(e)):
        raise cannot(e.span, f"this {e.type.c()} expression of a local vector")
    return ir.Index(e, const(k), elem, e.span)          # a vector in memory (`xv[i]`): its element


def plain_c_call(e):
    """CUDA/HIP device calls that are plain C: conversions become casts, __ldg a load, half2
    intrinsics the same work on the two halves of a `half2` (`make_half2(lo, hi)`, `.x`, `.y`)."""
    if not isinstance(e, ir.Call):
        return e
    name = e.callee
    if name in ("__half2float", "__bfloat162float"):
        return ir.Cast(e.args[0], F32, "c", e.span)
    if name in ("__float2half", "__float2half_rn"):
        return ir.Cast(e.args[0], F16, "c", e.span)
    if name in ("__float2bfloat16", "__float2bfloat16_rn"):
        return ir.Cast(e.args[0], scalar(DType.BF16), "c", e.span)
    if name == "__ldg":
        return ir.Deref(e.args[0], e.args[0].type.to, e.span)
    if name in HALF_OPS:
        return ir.Binary(HALF_OPS[name], e.args[0], e.args[1], F16, e.span)
    if name == "__hfma":
        return _hfma(*e.args)
    if name in HALF2_CALLS:
        return HALF2_CALLS[name](e)
    return e


F16 = scalar(DType.F16)
HALF2 = Vector(DType.F16, 2, VecKind.STRUCT, "half2")
FLOAT2 = Vector(DType.F32, 2, VecKind.STRUCT, "float2")


def _hfma(a: ir.Expr, b: ir.Expr, c: ir.Expr) -> ir.Expr:
    """`__hfma(a, b, c)` rounded once (cuda.md §7): the product of two halves is exact in double,
    the double sum is then rounded to half."""
    F64 = scalar(DType.F64)
    d = lambda x: ir.Cast(x, F64)
    return ir.Cast(binary("+", binary("*", d(a), d(b)), d(c)), F16)


def _half(e: ir.Expr, k: int) -> ir.Expr:
    """Element `k` (0 = .x = low, 1 = .y = high) of the vector value `e`; of a `make_*(...)`
    that is the argument itself."""
    elem = scalar(e.type.of)
    if isinstance(e, ir.Call) and e.callee.startswith("make_") and len(e.args) == e.type.lanes:
        return e.args[k] if e.args[k].type == elem else ir.Cast(e.args[k], elem)
    return ir.Member(e, "xy"[k], elem, e.span)


def _pair(t: Vector, lo: ir.Expr, hi: ir.Expr, span) -> ir.Call:
    elem = scalar(t.of)
    cast = lambda x: x if x.type == elem else ir.Cast(x, elem)
    return ir.Call(f"make_{t.name}", (cast(lo), cast(hi)), t, (), span)


def _twice(e: ir.Call, arg: ir.Expr) -> ir.Expr:
    """`arg`, which the lowering of `e` reads twice: refused when a call in it may have effects."""
    for n in walk(arg):
        if isinstance(n, ir.Call) and not n.callee.startswith("make_") and \
                (lookup(n.callee) is None or lookup(n.callee).family != "math"):
            raise cannot(e.span, f"{e.callee} of an expression calling '{n.callee}' (read for both halves)")
    return arg


def _half2_binary(op: str):
    return lambda e: _pair(HALF2, *(ir.Binary(op, _half(_twice(e, e.args[0]), k), _half(_twice(e, e.args[1]), k), F16)
                                   for k in (0, 1)), e.span)


HALF2_CALLS = {
    "__low2float": lambda e: ir.Cast(_half(e.args[0], 0), F32, "c", e.span),
    "__high2float": lambda e: ir.Cast(_half(e.args[0], 1), F32, "c", e.span),
    "__low2half": lambda e: _half(e.args[0], 0),
    "__high2half": lambda e: _half(e.args[0], 1),
    "__half22float2": lambda e: _pair(FLOAT2, *(_half(_twice(e, e.args[0]), k) for k in (0, 1)), e.span),
    "__float22half2_rn": lambda e: _pair(HALF2, *(_half(_twice(e, e.args[0]), k) for k in (0, 1)), e.span),
    "__floats2half2_rn": lambda e: _pair(HALF2, e.args[0], e.args[1], e.span),
    "__halves2half2": lambda e: _pair(HALF2, e.args[0], e.args[1], e.span),
    "make_half2": lambda e: _pair(HALF2, e.args[0], e.args[1], e.span),
    "__float2half2_rn": lambda e: _pair(HALF2, _twice(e, e.args[0]), e.args[0], e.span),
    "__half2half2": lambda e: _pair(HALF2, _twice(e, e.args[0]), e.args[0], e.span),
    "__hadd2": _half2_binary("+"), "__hsub2": _half2_binary("-"), "__hmul2": _half2_binary("*"),
    "__h2div": _half2_binary("/"),
    "__hfma2": lambda e: _pair(HALF2, *(_hfma(*(_half(_twice(e, a), k) for a in e.args)) for k in (0, 1)), e.span),
}


def _c_expr(text: str, env: dict) -> ir.Expr:
    """A lane-map expression of hip.md (`4 * (l / 16) + e`) as IR over the variables in `env`,
    parsed by xpiler's own front end."""
    from xpiler.grammar import parse
    fn = parse(f"int f(int l, int e, int r) {{ return {text}; }}", "<lane map>", "vnni").functions[0]
    expr = fn.body.stmts[0].value
    return transform(expr, lambda n: env[n.name] if isinstance(n, ir.Var) and n.name in env else n)


def _elem(x: ir.Expr, idx: ir.Expr) -> ir.Expr:
    """Element `idx` of a per-lane MFMA operand: a scalar (idx ignored) or a vector/array."""
    if isinstance(x.type, Array):
        return ir.Index(x, idx, x.type.of)
    if isinstance(x.type, Vector):
        return ir.Index(x, idx, scalar(x.type.of))
    return x


def _round(e: ir.Expr, frag: Fragment) -> ir.Expr:
    """A value as stored in a fragment of element type `frag.of` (held in float)."""
    if frag.of is DType.F16:
        return ir.Cast(ir.Cast(e, scalar(DType.F16)), F32)
    return ir.Cast(e, F32 if frag.of.is_float else I32)


def _row_major(layout: ir.Expr) -> bool:
    return isinstance(layout, ir.EnumConst) and layout.name.endswith("mem_row_major") or \
        (isinstance(layout, ir.EnumConst) and layout.value == 0)


def _stmts(s: ir.Stmt | None) -> list[ir.Stmt]:
    if s is None:
        return []
    return list(s.stmts) if isinstance(s, ir.Block) else [s]


def array_initialization(target: ir.Var, init: ir.InitList, name: str) -> list[ir.Stmt]:
    """`T a[n][m] = {...};` as statements (xpiler.irutil.array_initialization)."""
    return irutil.array_initialization(target, init, lambda what: cannot(
        init.span, f"the initializer of the thread-private array '{name}' that lives across a barrier"
        if what is None else f"the initializer of '{name}' ({what})"))


def _loop(var: str, extent: ir.Expr, body: ir.Stmt, pragmas=()) -> ir.For:
    v = ir.Var(var, I32)
    return ir.For((ir.Decl(var, I32, const(0)),), binary("<", v, extent),
                  (ir.Assign(v, "+", const(1)),), body if isinstance(body, ir.Block) else ir.Block((body,)), pragmas)


class Inliner(CallInliner):
    """Inline calls of device functions that use thread built-ins, barriers or collectives, so
    that fission sees every split point. Such a function may return only at its end."""

    def __init__(self, module: ir.Module):
        super().__init__(module, lambda f: f.kind is not ir.FuncKind.KERNEL and not _is_plain(f),
                         "a call of a device function with barriers or shuffles in a condition")


class ReturnToFlag:
    """Replace `return;` in a kernel body by setting the per-thread flag `__ret` and skipping the
    rest of the thread's work: statements after a possibly-returning one run under `if (!__ret)`,
    loops containing a return break out when it is set."""

    def run(self, body: ir.Block) -> ir.Block:
        return ir.Block(tuple(self.stmts(list(body.stmts))), body.span)

    def returns(self, s) -> bool:
        return any(isinstance(n, ir.Return) for n in walk(s))

    def stmts(self, stmts: list[ir.Stmt]) -> list[ir.Stmt]:
        out: list[ir.Stmt] = []
        for i, s in enumerate(stmts):
            if not self.returns(s):
                out.append(s)
                continue
            out.append(self.stmt(s))
            rest = stmts[i + 1:]
            if rest:
                decls = [r for r in rest if isinstance(r, ir.Decl)]
                if decls:
                    # keep declarations visible: hoist them out of the guarded block (no init)
                    hoisted = [dataclasses.replace(d, init=None, ctor_args=None, storage=d.storage - {"const"})
                               for d in decls]
                    if any(isinstance(d.type, Array) and d.init is not None for d in decls):
                        raise cannot(decls[0].span, "an initialised array declared after a 'return'")
                    rest = [ir.Assign(ir.Var(r.name, r.type), None, r.init) if isinstance(r, ir.Decl) and r.init is not None
                            else (ir.Block(()) if isinstance(r, ir.Decl) else r) for r in rest]
                    out.extend(hoisted)
                out.append(ir.If(ir.Unary("!", ir.Var("__ret", BOOL), BOOL), ir.Block(tuple(self.stmts(rest)))))
            return out
        return out

    def stmt(self, s: ir.Stmt) -> ir.Stmt:
        if isinstance(s, ir.Return):
            if s.value is not None:
                raise cannot(s.span, "a kernel returning a value")
            return ir.Assign(ir.Var("__ret", BOOL), None, ir.Const(True, BOOL, "true"), s.span)
        if isinstance(s, ir.Block):
            return ir.Block(tuple(self.stmts(list(s.stmts))), s.span)
        if isinstance(s, ir.If):
            return ir.If(s.cond, self.stmt(s.then), self.stmt(s.other) if s.other is not None else None, s.span)
        if isinstance(s, (ir.For, ir.While)):
            body = self.stmt(s.body)
            brk = ir.If(ir.Var("__ret", BOOL), ir.Break())
            body = ir.Block(tuple(_stmts(body)) + (brk,))
            return dataclasses.replace(s, body=self._guard_loop_body(body))
        if isinstance(s, ir.Switch):
            raise cannot(s.span, "a 'return' inside a switch")
        return s

    def _guard_loop_body(self, body: ir.Block) -> ir.Block:
        return body
