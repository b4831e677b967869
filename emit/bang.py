"""Emit Cambricon BANG C (.mlu) from the canonical form (docs/canonical.md, "Lowering to each target").

Each top-level parallel loop of the host entry becomes an `__mlu_global__` kernel launched as a
Block task grid `cnrtDim3_t {taskDim, 1, 1}` (taskDim = min(extent, TASKS)); the loop is spread
over the tasks, `for (int b = taskId; b < extent; b += taskDim)`, and nested parallel loops run
serially inside a task. Arrays declared in the loop body are per task: `__nram__` arrays at
kernel scope while they fit the NRAM budget (bang.md §3: 512 KB less the 128 KB vendor code
reserves for the stack), otherwise per-task slices of a GDRAM scratch buffer the host allocates.
Scalar code reads and writes GDRAM directly. `omp atomic` updates of memory other tasks can see
become `__bang_atomic_reduce_add`, `omp critical` max/min updates `__bang_atomic_reduce_max/min`
(bang.md §10); updates of task-private memory stay plain code. The host entry keeps its name and
parameters and uses CNRT (bang.md §11): a queue, cnrtMalloc, cnrtMemcpy, launch, cnrtQueueSync.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, map_child_statements, transform, walk
from xpiler.printer import Printer
from xpiler.types import (DType, I32, I64, Opaque, Pointer, Scalar, Type, U32, U64, Vector,
                          VecKind, Void, scalar)

from .atomics import form, updates
from .copies import lower_device_copies
from .private_decls import sink_private_declarations
from . import library_headers
from .plain_math import plain_math
from .bang_memory import ALIGN, CHAR_PTR, TaskMemory
from .offload import PARALLEL, SIMD, Offload, Runtime, Site, const, is_parallel, pointer_root
from .scalarize import has_vectors, scalarize

TARGET = "bang"
RUNTIME = Runtime(TARGET, "cnrtMalloc", "cnrtMemcpy", "cnrtMemset", "cnrtFree", "cnrtMemcpyHostToDev",
                  "cnrtMemcpyDevToHost", "cnrtMemcpyDevToDev", "cnrtQueue_t", "cnrtQueueCreate",
                  "cnrtQueueDestroy")
TASKS = 16                                   # Block tasks per launch (at most)
NRAM_BUDGET = (512 - 128) * 1024             # bang.md §3: smallest NRAM, less the stack reserve
# bang.md §10: element types of __bang_atomic_* (bitwise ones: integers only)
ATOMIC_TYPES = {DType.I16, DType.U16, DType.I32, DType.U32, DType.F16, DType.BF16, DType.F32}
DIM3 = Vector(DType.U32, 3, VecKind.STRUCT, "cnrtDim3_t")

# lift.HELPERS that are not plain C: bit casts through memcpy (defined behaviour in C++)
BIT_CASTS = {"__float_as_int": ("int", "float"), "__int_as_float": ("float", "int"),
             "__float_as_uint": ("unsigned int", "float"), "__uint_as_float": ("float", "unsigned int")}


def cannot(span, what: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {TARGET}")


# ---- math functions that are not standard C ------------------------------------------------------

# ---- device code --------------------------------------------------------------------------------

def device_code(body: ir.Block) -> ir.Block:
    """Code one task runs: nested parallel loops serial, atomic updates of memory other tasks can
    reach as BANG atomics (bang.md §10), of task-private memory as plain code.

    The outermost nested parallel loops (the threads of a CUDA block, a C loop proven
    independent) keep their meaning as `#pragma omp simd`: a loop whose iterations are
    independent. A compiler without OpenMP ignores it (the BANG emulation's g++ runs it serially,
    which is what the native check compares the interpreter with); xpiler's interpreter runs its
    iterations as lanes. A loop whose body holds atomic or critical updates stays plain."""
    private = private_roots(body)
    body = _independent_loops(body)
    body = updates(body, lambda pragma, update: atomic(pragma, update, private))
    for n in walk(body):
        if isinstance(n, ir.PragmaStmt) and n.text.startswith("omp "):
            raise cannot(n.span, f"'#pragma {n.text}' not followed by an update")
    return body


def host_code(body: ir.Block) -> ir.Block:
    """Code the host runs serially: parallel loops plain, atomic/critical pragmas dropped."""
    body = transform(body, _serial)
    return transform(body, lambda n: [] if isinstance(n, ir.PragmaStmt) and n.text.startswith("omp ") else n)


def _independent_loops(s: ir.Stmt) -> ir.Stmt:
    if is_parallel(s):
        inner = transform(s.body, _serial)
        pragmas = tuple(p for p in s.pragmas if not p.startswith(PARALLEL))
        if not any(isinstance(n, ir.PragmaStmt) and n.text.startswith("omp ") for n in walk(inner)):
            pragmas += (SIMD,)
        return dataclasses.replace(s, body=inner, pragmas=pragmas)
    return map_child_statements(s, _independent_loops)


def _serial(n):
    if is_parallel(n):
        return dataclasses.replace(n, pragmas=tuple(p for p in n.pragmas if not p.startswith(PARALLEL)))
    return n


def private_roots(body: ir.Block) -> set[str]:
    """Variables declared in `body` whose memory no other task can reach: arrays, scalars, and
    pointers that only ever point into those."""
    private = {n.name for n in walk(body) if isinstance(n, ir.Decl) and not isinstance(n.type, Pointer)}
    pointers = {n.name for n in walk(body) if isinstance(n, ir.Decl) and isinstance(n.type, Pointer)}
    defs = [(n.name, n.init) for n in walk(body) if isinstance(n, ir.Decl) and n.name in pointers] + \
           [(n.target.name, n.value) for n in walk(body) if isinstance(n, ir.Assign)
            and isinstance(n.target, ir.Var) and n.target.name in pointers]
    changed = True
    while changed:
        changed = False
        for name, value in defs:
            if name in pointers and value is not None and pointer_root(value)[0] not in private | pointers:
                pointers.discard(name)
                changed = True
    return private | pointers


def atomic(pragma: ir.PragmaStmt, update: ir.Stmt, private: set[str]) -> list[ir.Stmt]:
    targets = [n.target for n in walk(update) if isinstance(n, ir.Assign)]
    if targets and all(_lvalue_root(t) in private for t in targets):
        return [update]                         # task-private memory: a task runs serially
    u = form(pragma, update)
    if u is None or u.op not in ("+", "-", "max", "min"):
        what = "an 'omp atomic' update other than += or -=" if pragma.text == "omp atomic" else \
            "an 'omp critical' section other than a max/min update"
        raise cannot(getattr(update, "span", None), f"{what} of memory other tasks can reach")
    t, value = u.target.type, u.value
    if not (isinstance(t, Scalar) and t.dtype in ATOMIC_TYPES):
        raise cannot(update.span, f"an atomic update of {t.c()} (BANG atomics take 16/32-bit types)")
    if isinstance(value.type, Scalar) and value.type.dtype.is_float and not t.dtype.is_float:
        raise cannot(update.span, f"an atomic update of {t.c()} by a {value.type.c()} value")
    value = value if value.type == t else ir.Cast(value, t)
    if u.op == "-":
        value = ir.Unary("-", value, t)
    name = "__bang_atomic_reduce_" + {"+": "add", "-": "add"}.get(u.op, u.op)
    return [ir.ExprStmt(ir.Call(name, (_address(u.target), value, ir.Const(1, U32, "1")), Void(), (),
                                update.span), update.span)]


def leaves_task_loop(body: ir.Block) -> ir.Stmt | None:
    """A `return`, or a `break` not inside a loop or switch of `body`: either would end the task's
    walk over its blocks, not one block."""
    def visit(s, nested: bool):
        if isinstance(s, ir.Return) or (isinstance(s, ir.Break) and not nested):
            return s
        inner = nested or isinstance(s, (ir.For, ir.While, ir.Switch))
        subs = {ir.Block: lambda: s.stmts, ir.If: lambda: (s.then, s.other), ir.For: lambda: (s.body,),
                ir.While: lambda: (s.body,), ir.Switch: lambda: [x for c in s.cases for x in c.body]}
        for sub in subs.get(type(s), lambda: ())():
            found = sub is not None and visit(sub, inner)
            if found:
                return found
        return None
    return visit(body, False)


# ---- kernels ------------------------------------------------------------------------------------

class Kernel:
    """The `__mlu_global__` function of one site, and what its launch needs."""

    def __init__(self, site: Site, tasks: int, nram_budget: int):
        self.site = site
        self.tasks = tasks
        self.names = {n.name for n in walk(site.loop) if isinstance(n, (ir.Decl, ir.Var))}
        self.extent = ir.Var(self.fresh("__extent"), I32)
        self.memory = TaskMemory(site, self.fresh, nram_budget)
        exit_ = leaves_task_loop(site.loop.body)
        if exit_ is not None:
            raise cannot(exit_.span, f"a '{type(exit_).__name__.lower()}' in the body of a parallel loop")
        body = self.memory.run(device_code(site.loop.body))
        loop = ir.For((ir.Decl(site.var, I32, ir.Builtin("taskId", I32)),),
                      binary("<", ir.Var(site.var, I32), self.extent),
                      (ir.Assign(ir.Var(site.var, I32), "+", ir.Builtin("taskDim", I32)),), body, (), site.loop.span)
        params = site.params + (ir.Param(self.extent.name, I32),) + self.memory.params()
        self.function = ir.Function(site.name, ir.FuncKind.KERNEL, Void(), params,
                                    ir.Block(tuple(self.memory.decls) + (loop,)), frozenset({"__mlu_global__"}),
                                    span=site.loop.span)

    def fresh(self, name: str) -> str:
        k, new = 0, name
        while new in self.names:
            k += 1
            new = f"{name}{k}"
        self.names.add(new)
        return new

    # launch ---------------------------------------------------------------------------------------
    def launch(self, off: Offload) -> list[ir.Stmt]:
        """Host statements: task count, GDRAM scratch for the tasks, launch, wait, free."""
        extent = ir.Var(off.fresh("__extent"), I32)
        tasks = ir.Var(off.fresh("__tasks"), I32)
        dim = ir.Var(off.fresh("__dim"), DIM3)
        n, one = const(self.tasks), ir.Const(1, U32, "1")
        count = ir.Ternary(binary("<", extent, const(1)), const(1),
                           ir.Ternary(binary("<", extent, n), extent, n, I32), I32)
        stmts: list[ir.Stmt] = [ir.Decl(extent.name, I32, _as_int(self.site.extent)),
                                ir.Decl(tasks.name, I32, count),
                                ir.Decl(dim.name, DIM3, ir.InitList((ir.Cast(tasks, U32), one, one), DIM3))]
        args = [ir.Var(p.name, p.type) for p in self.site.params] + [extent]
        buffers = []
        mem = self.memory
        if mem.scratch_bytes:
            buffers.append((ir.Var(off.fresh("__scratch"), CHAR_PTR), ir.Const(mem.scratch_bytes, I64, str(mem.scratch_bytes))))
            args.append(buffers[-1][0])
        for buf, stride, size in mem.dynamic:
            per_task = ir.Var(off.fresh(stride.name), I64)
            rounded = binary("*", binary("/", binary("+", ir.Cast(size, I64), const(ALIGN - 1)), const(ALIGN)), const(ALIGN))
            stmts.append(ir.Decl(per_task.name, I64, rounded))
            buffers.append((ir.Var(off.fresh(buf.name), CHAR_PTR), per_task))
            args += [buffers[-1][0], per_task]
        for buf, per_task in buffers:
            stmts.append(ir.Decl(buf.name, CHAR_PTR))
            size = binary("*", ir.Cast(tasks, U64), ir.Cast(per_task, U64))
            stmts.append(off.malloc(buf, ir.Call("malloc", (size,), Pointer(Void()))))
        ktype = RUNTIME.enum("cnrtFuncTypeBlock")
        stmts.append(ir.Launch(self.site.name, (), (dim, ktype, off.queue), tuple(args), "chevrons", self.site.loop.span))
        stmts.append(ir.ExprStmt(ir.Call("cnrtQueueSync", (off.queue,), Opaque("cnrtRet_t"))))
        for buf, _ in buffers:
            stmts.append(ir.ExprStmt(ir.Call("cnrtFree", (ir.Cast(buf, Pointer(Void())),), Opaque("cnrtRet_t"))))
        return [ir.Block(tuple(stmts))]


def host_globals(device: list[ir.Function], globals_: tuple[ir.Decl, ...]) -> None:
    """File-scope variables stay in host memory: a kernel gets the ones it reads as parameters
    (scalars by value: offload.py; arrays as staged GDRAM copies: staging.py). Refuse device code
    that would still name one (a helper reading a table, a kernel writing a scalar)."""
    shared = {g.name: g for g in globals_
              if not (g.storage & {"const", "constexpr"} and isinstance(g.type, Scalar) and g.init is not None)}
    for f in device:
        local = {p.name for p in f.params} | {n.name for n in walk(f.body) if isinstance(n, ir.Decl)}
        for n in walk(f.body):
            if isinstance(n, ir.Var) and n.name in shared and n.name not in local:
                raise cannot(n.span or shared[n.name].span, f"the file-scope variable '{n.name}' in the "
                                                            f"device function '{f.name}' (host memory)")


def _as_int(e: ir.Expr) -> ir.Expr:
    return e if e.type == I32 else ir.Cast(e, I32)


def _lvalue_root(e: ir.Expr) -> str | None:
    while isinstance(e, (ir.Index, ir.Member)):
        e = e.base
    if isinstance(e, ir.Deref):
        e = e.operand
    return pointer_root(e)[0]


def _address(target: ir.Expr) -> ir.Expr:
    if isinstance(target, ir.Deref):
        return target.operand
    if isinstance(target, ir.Index) and isinstance(target.base.type, Pointer):
        return ir.Binary("+", target.base, target.index, target.base.type)
    raise cannot(getattr(target, "span", None), "an atomic update of this expression")


# ---- printing -----------------------------------------------------------------------------------

class BangEmitter(Printer):
    """The printer with BANG C spellings: bfloat16_t, pragmas at their statement's indentation."""

    def type(self, t: Type) -> str:
        if isinstance(t, Scalar) and t.dtype is DType.BF16:
            return "bfloat16_t"
        if isinstance(t, Pointer):
            return ("const " if t.const else "") + self.type(t.to) + "*" + (" __restrict__" if t.restrict else "")
        return super().type(t)

    def stmt_PragmaStmt(self, s: ir.PragmaStmt, level, pad) -> str:
        return f"{pad}#pragma {s.text}"

    def function(self, f: ir.Function) -> str:
        return super().function(f).replace("// kernel\n", "", 1).replace("// host\n", "", 1).replace(
            "// device\n", "", 1)

    def module(self, m: ir.Module) -> str:
        out = [f"#include {inc}" for inc in m.includes]
        # vector types are scalarized (scalarize.py): a user's alias of one (`typedef __half2
        # half2;`) would name a type BANG C does not have
        out += [self.typedef(name, t) for name, t in m.typedefs if not isinstance(t, Opaque) and not has_vectors(t)]
        out += [self.decl(g) for g in m.globals]
        called = {n.callee for f in m.functions for n in walk(f) if isinstance(n, ir.Call)}
        for name in sorted(called & set(BIT_CASTS)):
            to, frm = BIT_CASTS[name]
            out.append(f"__mlu_func__ {to} {name}({frm} x) {{ {to} y; memcpy(&y, &x, sizeof(y)); return y; }}")
        for f in m.functions:
            out.append("")
            out.append(self.function(f))
        return "\n".join(out) + "\n"


def emit(canonical: ir.Module, *, tasks: int = TASKS, nram_budget: int = NRAM_BUDGET) -> str:
    """Complete BANG C source (device kernels and the CNRT host entry) for a canonical module."""
    for g in canonical.globals:
        if has_vectors(g.type):
            raise cannot(g.span, f"the file-scope {g.type.c()} variable '{g.name}'")
    module = lower_device_copies(scalarize(sink_private_declarations(canonical), TARGET), TARGET, native=False)
    module = dataclasses.replace(module, functions=tuple(
        dataclasses.replace(f, body=transform(f.body, plain_math)) if f.body is not None else f
        for f in module.functions))
    off = Offload(module, RUNTIME)
    kernels = [Kernel(site, tasks, nram_budget) for site in off.sites]
    host = off.host_function(lambda site: kernels[site.index].launch(off))
    device, on_host = off.reachable([k.function for k in kernels]), off.reachable([host])
    host_globals([k.function for k in kernels] + [f for f in off.helpers if f.name in device], canonical.globals)
    helpers = []
    for f in off.helpers:
        if f.name in device and f.name in on_host:
            raise cannot(f.span, f"the helper '{f.name}', called by host code and by kernels")
        if f.name in device:
            helpers.append(dataclasses.replace(f, kind=ir.FuncKind.DEVICE, body=device_code(f.body),
                                               qualifiers=frozenset({"__mlu_func__"})))
        elif f.name in on_host:
            helpers.append(dataclasses.replace(f, body=host_code(f.body)))
    out = ir.Module(ir.Platform.BANG, tuple(helpers + [k.function for k in kernels] + [host]), canonical.globals,
                    includes=("<bang.h>", "<cnrt.h>", "<float.h>", "<limits.h>", "<math.h>", "<stdint.h>",
                              "<stdlib.h>", "<string.h>") + tuple(
                        h for h in library_headers(canonical) if h not in ("<stdlib.h>",)),
                    typedefs=canonical.typedefs, filename=canonical.filename)
    return BangEmitter().module(out)

