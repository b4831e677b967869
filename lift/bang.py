"""Lift BANG C programs to the canonical form (docs/canonical.md).

Before: a CNRT host launcher running `k<<<dim, ktype, queue>>>(args)`; kernels reading the task
        built-ins (taskId, coreId, clusterDim, ...), with `__nram__`/`__wram__`/`__ldram__`
        arrays (also at file scope), per-core syncs and `__bang_*`/`__memcpy` intrinsics.
After:  the launcher in plain C (lift/host.py); each launch a parallel loop over the tasks
        `for (int __task = 0; __task < dim.x*dim.y*dim.z; __task++)` whose body binds the kernel
        parameters and the built-ins it reads (bang.md §2.1/§2.2, Block and UnionN launches),
        declares the task's NRAM/WRAM/LDRAM arrays, and runs the kernel body with device
        functions that need the task inlined, intrinsics detensorized (lift/detensorize_bang.py),
        per-core syncs dropped (canonical code is synchronous) and `return` turned into `__ret`.
        Other device functions become static helpers.
        A kernel whose tasks communicate through their cluster (SRAM `__mlu_shared__` variables,
        `__sync_cluster()`, `__sync_all()`) is lifted as a CUDA block is (lift/simt.py, reused):
        a parallel loop over groups whose body is the kernel split at the barriers into parallel
        loops over the group's tasks. A group is a cluster (4 cores; SRAM its per-block arrays,
        `__sync_cluster()` the block barrier); with `__sync_all()` it is the launch's one union
        block (N clusters, SRAM indexed by the cluster). Refused: cluster syncs and SRAM in Block
        launches, `__sync_all()` across several union blocks, `__sync_all_mpu()`.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.constfold import fold
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import BOOL, I32, Array, Opaque, Space, Void

from .detensorize_bang import detensorize
from .host import dim_values, lift_host
from .simt import Inliner, ReturnToFlag, _loop
from .simt import Instance as SimtInstance

TASK_SPACES = (Space.NRAM, Space.WRAM, Space.LDRAM)
PER_CORE_SYNCS = {"__sync", "__sync_io", "__sync_move", "__sync_compute", "__sync_io_move_compute"}
CLUSTER_SYNCS = {"__sync_cluster", "__sync_all", "__sync_all_ipu", "__sync_all_mpu"}
UNION_TYPES = {1: 0, 4: 1, 8: 2, 16: 4, 32: 8, 64: 16}        # cnrtFunctionType_t -> N (0: Block)
PARALLEL = ("omp parallel for",)
TASK = "__task"
SYNC_MARK = "xpiler sync "


def cannot(span, what: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to the canonical form")


def lift_bang(module: ir.Module) -> ir.Module:
    """The canonical module of a BANG module: its launchers with the kernels' tasks as loops."""
    task_globals = {g.name: g for g in module.globals if g.space in TASK_SPACES}
    sram_globals = {g.name: g for g in module.globals if g.space is Space.SRAM}
    inline = needs_task(module, {**task_globals, **sram_globals})

    def instantiate(launch: ir.Launch, config: list[ir.Expr]) -> list[ir.Stmt]:
        return Instance(module, task_globals, inline, launch, config, sram_globals).build()

    functions = []
    for f in module.functions:
        if f.body is None:
            continue
        if f.kind is ir.FuncKind.HOST and any(isinstance(n, ir.Launch) for n in walk(f.body)):
            functions.append(lift_host(constant_ktypes(f), instantiate))
        elif f.kind is ir.FuncKind.DEVICE and f.name not in inline:
            body = detensorize(device_calls(f.body))
            functions.append(dataclasses.replace(f, kind=ir.FuncKind.HOST, body=plain_spaces(body),
                                                 qualifiers=frozenset({"static", "inline"})))
    globals_ = tuple(plain_spaces(g) for g in module.globals if g.space not in TASK_SPACES + (Space.SRAM,))
    return ir.Module(ir.Platform.VNNI, tuple(functions), globals_,
                     ("<math.h>", "<stdint.h>", "<string.h>", "<stdlib.h>"), (), module.typedefs,
                     module.filename)


def needs_task(module: ir.Module, task_globals: dict) -> set[str]:
    """Device functions that must be inlined into the task loop: they read task built-ins,
    declare or use the task's arrays, or call such a function."""
    out: set[str] = set()
    device = [f for f in module.functions if f.kind is ir.FuncKind.DEVICE and f.body is not None]
    changed = True
    while changed:
        changed = False
        for f in device:
            if f.name in out:
                continue
            for n in walk(f.body):
                if isinstance(n, ir.Builtin) or (isinstance(n, ir.Var) and n.name in task_globals) or \
                        (isinstance(n, ir.Decl) and n.space in TASK_SPACES + (Space.SRAM,)) or \
                        (isinstance(n, ir.Call) and (n.callee in out or n.callee in CLUSTER_SYNCS)):
                    out.add(f.name)
                    changed = True
                    break
    return out


def constant_ktypes(fn: ir.Function) -> ir.Function:
    """Launch configs naming a `cnrtFunctionType_t` variable with a constant value get the value
    (lift_host drops the variable with the other runtime handles)."""
    values = {n.name: n.init for n in walk(fn.body) if isinstance(n, ir.Decl) and isinstance(n.type, Opaque)
              and n.type.name == "cnrtFunctionType_t" and n.init is not None and fold(n.init) is not None}
    for n in walk(fn.body):
        if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var):
            values.pop(n.target.name, None)

    def fix(n):
        if isinstance(n, ir.Launch) and len(n.config) > 1 and isinstance(n.config[1], ir.Var) \
                and n.config[1].name in values:
            return dataclasses.replace(n, config=(n.config[0], values[n.config[1].name]) + n.config[2:])
        return n
    return transform(fn, fix)


def device_calls(body):
    """Per-core syncs vanish; `__is_mpu()` is false (the compute cores run the kernel, bang.md
    §2.1); cluster barriers become `#pragma xpiler sync <name>` markers (Instance.cluster lifts
    them with the tasks' groups)."""
    def fix(n):
        if isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and n.expr.callee in PER_CORE_SYNCS:
            return ir.Block(())
        if isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and n.expr.callee in CLUSTER_SYNCS:
            return ir.PragmaStmt(f"{SYNC_MARK}{n.expr.callee}", n.expr.span)
        if isinstance(n, ir.Call) and n.callee == "__is_mpu":
            return ir.Const(False, BOOL, "false", n.span)
        if isinstance(n, ir.Block):
            return drop_empty(n)
        return n
    return transform(body, fix)


def drop_empty(b: ir.Block) -> ir.Block:
    kept = tuple(s for s in b.stmts if not (isinstance(s, ir.Block) and not s.stmts))
    return b if len(kept) == len(b.stmts) else ir.Block(kept, b.span)


def plain_spaces(node):
    """Declarations in plain C: arrays of the task are ordinary locals."""
    def fix(n):
        if isinstance(n, ir.Decl) and n.space is not Space.LOCAL:
            t = dataclasses.replace(n.type, space=Space.LOCAL) if isinstance(n.type, Array) else n.type
            return dataclasses.replace(n, type=t, space=Space.LOCAL)
        return n
    return transform(node, fix)


class TaskInliner(Inliner):
    """simt's inliner, for the device functions that need the task (needs_task)."""

    def __init__(self, module: ir.Module, names: set[str]):
        super().__init__(module)
        self.names = names

    def target(self, c: ir.Call) -> ir.Function | None:
        f = self.module.function(c.callee)
        return f if f is not None and f.body is not None and c.callee in self.names else None

    def stmt(self, s):
        if isinstance(s, (ir.If, ir.For, ir.While)) and s.cond is not None:
            for n in walk(s.cond):
                if isinstance(n, ir.Call) and self.target(n):
                    raise cannot(n.span, f"a call of '{n.callee}' in a condition ('{n.callee}' needs the "
                                         f"task and is inlined; call it before the statement)")
        return super().stmt(s)


class Instance:
    """One launch of one kernel, turned into canonical statements."""

    def __init__(self, module: ir.Module, task_globals: dict, inline: set[str], launch: ir.Launch, config,
                 sram_globals: dict | None = None):
        self.module = module
        self.task_globals = task_globals
        self.sram_globals = sram_globals or {}
        self.inline = inline
        self.launch = launch
        self.config = config

    def build(self) -> list[ir.Stmt]:
        launch = self.launch
        k = self.module.function(launch.kernel)
        if k is None or k.body is None:
            raise cannot(launch.span, f"the launch of '{launch.kernel}' (no kernel body in this file)")
        if len(launch.args) != len(k.params):
            raise XpilerError(launch.span, f"launch of '{k.name}' with {len(launch.args)} arguments, "
                                           f"it takes {len(k.params)}")
        if k.template_params:
            raise cannot(launch.span, f"the launch of the template kernel '{k.name}'")
        dims = dim_values(self.config[0])
        union = self.union(dims)
        pre = [ir.Decl(f"__dim_{c}", I32, d) for c, d in zip("xyz", dims)]
        pre += [ir.Decl(f"__arg{i}", p.type, a) for i, (p, a) in enumerate(zip(k.params, launch.args))]
        body = self.prepare(k)
        if any(_sync(n) or isinstance(n, ir.Var) and n.name in self.sram_globals or
               isinstance(n, ir.Decl) and n.space is Space.SRAM for n in walk(body)):
            return self.cluster(k, dims, union, body)
        used = {n.name for n in walk(body) if isinstance(n, ir.Builtin)}
        task = self.builtins(used, union)
        task += [ir.Decl(p.name, p.type, ir.Var(f"__arg{i}", p.type)) for i, p in enumerate(k.params)]
        body, arrays = self.hoist(k, body)
        task += arrays
        body = transform(body, self.builtin_var)
        if any(isinstance(n, ir.Return) for n in walk(body)):
            task.append(ir.Decl("__ret", BOOL, ir.Const(False, BOOL, "false")))
            body = ReturnToFlag().run(transform(body, _not_const))
        dx, dy, dz = (ir.Var(f"__dim_{c}", I32) for c in "xyz")
        loop = _loop(TASK, binary("*", binary("*", dx, dy), dz), ir.Block(tuple(task) + body.stmts), PARALLEL)
        return [ir.PragmaStmt(f"xpiler launch {k.name}", launch.span), ir.Block(tuple(pre) + (loop,))]

    def union(self, dims) -> int:
        """N of a UnionN launch, 0 for Block (bang.md §2.2)."""
        ktype = fold(self.config[1]) if len(self.config) > 1 else None
        if not isinstance(ktype, int) or ktype not in UNION_TYPES:
            raise cannot(self.launch.span, f"the launch of '{self.launch.kernel}': its function type "
                                           f"is not a constant cnrtFunctionType_t")
        n = UNION_TYPES[ktype]
        x = fold(dims[0])
        if n and isinstance(x, int) and x % (4 * n):
            raise XpilerError(self.launch.span, f"Union{n} launch of '{self.launch.kernel}' needs "
                                                f"dim.x a multiple of {4 * n}, got {x}")
        return n

    def builtins(self, used: set[str], union: int) -> list[ir.Stmt]:
        """Declarations of the task built-ins the body reads (bang.md §2.1; coreId/clusterId
        of a union block along X, Block tasks: clusterDim 0, coreDim 1)."""
        values = self.builtin_values(used, union)
        return [ir.Decl(f"__{name}", I32, values[name], storage=frozenset({"const"}))
                for name in values if name in used]

    def builtin_values(self, used: set[str], union: int, t: ir.Expr | None = None) -> dict[str, ir.Expr]:
        """The task built-ins as expressions of the task number `t` (default `__task`)."""
        t = ir.Var(TASK, I32) if t is None else t
        dx, dy, dz = (ir.Var(f"__dim_{c}", I32) for c in "xyz")
        x = binary("%", t, dx)
        values = {
            "taskId": t, "taskIdX": x, "taskIdY": binary("%", binary("/", t, dx), dy),
            "taskIdZ": binary("/", t, binary("*", dx, dy)),
            "taskDim": binary("*", binary("*", dx, dy), dz), "taskDimX": dx, "taskDimY": dy, "taskDimZ": dz,
            "coreId": binary("%", x, const(4)) if union else const(0),
            "coreDim": const(4 if union else 1),
            "clusterId": binary("%", binary("/", x, const(4)), const(union)) if union else const(0),
            "clusterDim": const(union),
        }
        unknown = used - set(values)
        if unknown:
            raise cannot(self.launch.span, f"the BANG built-in '{sorted(unknown)[0]}'")
        return values

    def cluster(self, k: ir.Function, dims, union: int, body: ir.Block) -> list[ir.Stmt]:
        """A launch whose tasks communicate through their cluster: the groups of tasks that
        synchronise (a cluster; with `__sync_all()` the one union block of the launch) lifted as
        CUDA blocks of `group` threads by lift/simt.py (docs/canonical.md §4)."""
        syncs = [ir.Call(_sync(n), (), Void(), (), n.span) for n in walk(body) if _sync(n)]
        where = syncs[0].span if syncs else next(
            (n.span for n in walk(body) if isinstance(n, (ir.Var, ir.Decl)) and
             (n.name in self.sram_globals or isinstance(n, ir.Decl) and n.space is Space.SRAM)), self.launch.span)
        what = f"{syncs[0].callee}()" if syncs else "__mlu_shared__ (SRAM) memory"
        if not union:
            raise XpilerError(where, f"not supported: {what} in the Block launch of '{k.name}' (a Block "
                                     f"task has no cluster, clusterDim == 0; launch a Union task)")
        for c in syncs:
            if c.callee == "__sync_all_mpu":
                raise XpilerError(c.span, "not supported: __sync_all_mpu() (the memory cores are not modelled; "
                                          "bang.md §2.1)")
        total = fold(binary("*", binary("*", dims[0], dims[1]), dims[2]))
        group = 4
        everyone = [c for c in syncs if c.callee in ("__sync_all", "__sync_all_ipu")]
        if everyone:
            group = 4 * union
            c = everyone[0]
            if not isinstance(total, int):
                raise XpilerError(c.span, f"not supported: {c.callee}() in a launch of '{k.name}' whose "
                                          f"task count is not a compile-time constant (it synchronises one "
                                          f"union block; only a launch of one union block is lifted)")
            if total != group:
                raise XpilerError(c.span, f"not supported: {c.callee}() across {total // 4} clusters in "
                                          f"{total // group} Union{union} blocks of the launch of '{k.name}' "
                                          f"(it synchronises the {group} tasks of one union block; only a "
                                          f"launch of one union block, taskDim == {group}, is lifted)")
        body, arrays = self.hoist(k, body)
        local = {d.name: d.type for d in arrays}
        body = transform(body, lambda n: dataclasses.replace(n, type=local[n.name]) if isinstance(n, ir.Var)
                         and n.name in local and isinstance(n.type, Array) else n)
        body, shared = self.hoist_sram(k, body, group // 4)
        used = {n.name for n in walk(body) if isinstance(n, ir.Builtin)}
        task = binary("+", binary("*", ir.Var("__bid_x", I32), const(group)), ir.Var("__tid_x", I32))
        values = self.builtin_values(used, union, task)

        def fix(n):
            if isinstance(n, ir.Builtin):
                return values[n.name]
            if _sync(n):
                return ir.ExprStmt(ir.Call("__syncthreads", (), Void(), (), n.span), n.span)
            if isinstance(n, ir.If) and n.other is None and fold(n.cond) is False:
                return ir.Block(())                   # `if (__is_mpu()) return;`
            return drop_empty(n) if isinstance(n, ir.Block) else n
        body = transform(body, fix)
        body = ir.Block(tuple(shared + arrays) + body.stmts, body.span)
        dx, dy, dz = (ir.Var(f"__dim_{c}", I32) for c in "xyz")
        groups = binary("/", binary("*", binary("*", dx, dy), dz), const(group))
        config = [ir.InitList((groups,), I32), ir.InitList((const(group),), I32)]
        pragma, block = ClusterInstance(self.module, k, self.launch, config, body).build()
        pre = [ir.Decl(f"__dim_{c}", I32, d) for c, d in zip("xyz", dims)]
        return [dataclasses.replace(pragma, span=self.launch.span), ir.Block(tuple(pre) + (block,))]

    def hoist_sram(self, k: ir.Function, body: ir.Block, clusters: int) -> tuple[ir.Block, list[ir.Stmt]]:
        """The SRAM variables the kernel uses (file scope or its own, static per cluster) as the
        group's `__shared__` declarations: -> (body without them, their declarations). A group
        of several clusters has one copy per cluster, indexed by the task's cluster."""
        local = [n for n in walk(body) if isinstance(n, ir.Decl) and n.space is Space.SRAM]
        used = {n.name for n in walk(body) if isinstance(n, ir.Var)}
        file_scope = [g for name, g in self.sram_globals.items() if name in used]
        names = [p.name for p in k.params] + [n.name for n in walk(body) if isinstance(n, ir.Decl)] + \
            list(self.task_globals)
        decls, types = [], {}
        for d in file_scope + local:
            if d.init is not None or d.ctor_args is not None:
                raise XpilerError(d.span, f"not supported: the initialised __mlu_shared__ (SRAM) variable "
                                          f"'{d.name}'")
            if names.count(d.name) > (0 if d in file_scope else 1):
                raise cannot(d.span, f"the SRAM variable '{d.name}' (another declaration of the kernel has "
                                     f"the same name; it moves to the cluster's scope)")
            t = plain_spaces(d).type
            if clusters > 1:
                t = Array(t, clusters)
            types[d.name] = t
            decls.append(dataclasses.replace(d, type=t, space=Space.SHARED,
                                             storage=d.storage - {"static", "extern"}))
        cluster = binary("/", ir.Var("__tid_x", I32), const(4))

        def fix(n):
            if isinstance(n, ir.Decl) and n.space is Space.SRAM:
                return ir.Block(())
            if isinstance(n, ir.Var) and n.name in types and n.type != types[n.name]:
                if clusters == 1:
                    return ir.Var(n.name, types[n.name], n.span) if isinstance(n.type, Array) else n
                return ir.Index(ir.Var(n.name, types[n.name], n.span), cluster, types[n.name].of, n.span)
            return drop_empty(n) if isinstance(n, ir.Block) else n
        return transform(body, fix), decls

    @staticmethod
    def builtin_var(n):
        if isinstance(n, ir.Builtin):
            return ir.Var(f"__{n.name}", I32, n.span)
        return n

    def prepare(self, k: ir.Function) -> ir.Block:
        body = TaskInliner(self.module, self.inline).run(k.body)
        body = device_calls(body)
        return detensorize(body)

    def hoist(self, k: ir.Function, body: ir.Block) -> tuple[ir.Block, list[ir.Stmt]]:
        """Move the task's NRAM/WRAM/LDRAM variables (static per task on the MLU), file-scope
        ones included, to the top of the task: -> (body without them, their declarations)."""
        local = [n for n in walk(body) if isinstance(n, ir.Decl) and n.space in TASK_SPACES]
        used = {n.name for n in walk(body) if isinstance(n, ir.Var)}
        file_scope = [g for name, g in self.task_globals.items() if name in used]
        names = [p.name for p in k.params] + [n.name for n in walk(body) if isinstance(n, ir.Decl)]
        for d in file_scope + local:
            if d.init is not None or d.ctor_args is not None:
                raise cannot(d.span, f"the initialised {d.space.value} variable '{d.name}'")
            if names.count(d.name) > (0 if d in file_scope else 1):
                raise cannot(d.span, f"the {d.space.value} variable '{d.name}' (another declaration "
                                     f"of the kernel has the same name; it moves to the task's scope)")

        def fix(n):
            if isinstance(n, ir.Decl) and n.space in TASK_SPACES:
                return ir.Block(())
            return drop_empty(n) if isinstance(n, ir.Block) else n
        return transform(body, fix), [plain_spaces(d) for d in file_scope + local]


def _sync(n) -> str | None:
    """The cluster barrier a `device_calls` marker stands for."""
    if isinstance(n, ir.PragmaStmt) and n.text.startswith(SYNC_MARK):
        return n.text[len(SYNC_MARK):]
    return None


def _not_const(n):
    """Declarations lose `const`: ReturnToFlag may split a declaration from its initialisation."""
    if isinstance(n, ir.Decl) and "const" in n.storage:
        return dataclasses.replace(n, storage=n.storage - {"const"})
    return n


class ClusterInstance(SimtInstance):
    """lift/simt.py's block lifting for the groups of tasks of a BANG launch (Instance.cluster):
    `body` is the kernel prepared there, with the task built-ins as expressions of `__bid_x`
    (group) and `__tid_x` (task in the group), the cluster barriers as `__syncthreads()` and
    the SRAM variables as `__shared__` declarations."""

    def __init__(self, module: ir.Module, kernel: ir.Function, launch: ir.Launch, config, body: ir.Block):
        super().__init__(module, kernel, launch, config, 32, 1)
        self.body = body

    def prepare(self, body: ir.Block) -> ir.Block:
        body = self.body
        if any(isinstance(n, ir.Return) for n in walk(body)):
            self.has_return = True
            body = ReturnToFlag().run(transform(body, _not_const))
        return body

    def is_split(self, s: ir.Stmt) -> bool:
        """Shared declarations too: the group's SRAM is declared at group level."""
        return (isinstance(s, ir.Decl) and s.space is Space.SHARED) or super().is_split(s)
