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
from xpiler.irutil import binary, transform, walk
from xpiler.printer import Printer
from xpiler.types import (Array, DType, I32, I64, Opaque, Pointer, Scalar, Space, Type, U32, U64, Vector,
                          VecKind, Void, scalar, sizeof)

from .offload import PARALLEL, Offload, Runtime, Site, const, is_parallel, pointer_root
from .scalarize import scalarize

TARGET = "bang"
RUNTIME = Runtime(TARGET, "cnrtMalloc", "cnrtMemcpy", "cnrtMemset", "cnrtFree", "cnrtMemcpyHostToDev",
                  "cnrtMemcpyDevToHost", "cnrtMemcpyDevToDev", "cnrtQueue_t", "cnrtQueueCreate",
                  "cnrtQueueDestroy")
TASKS = 16                                   # Block tasks per launch (at most)
NRAM_BUDGET = (512 - 128) * 1024             # bang.md §3: smallest NRAM, less the stack reserve
SCRATCH_ALIGN = 64                           # bang.md §3: GDRAM is read in 64-byte units
# bang.md §10: element types of __bang_atomic_* (bitwise ones: integers only)
ATOMIC_TYPES = {DType.I16, DType.U16, DType.I32, DType.U32, DType.F16, DType.BF16, DType.F32}
CHAR_PTR = Pointer(scalar(DType.I8))

# lift.HELPERS that are not plain C: bit casts through memcpy (defined behaviour in C++)
BIT_CASTS = {"__float_as_int": ("int", "float"), "__int_as_float": ("float", "int"),
             "__float_as_uint": ("unsigned int", "float"), "__uint_as_float": ("float", "unsigned int")}


def cannot(span, what: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {TARGET}")


# ---- math functions that are not standard C ------------------------------------------------------

def _f32(v: float) -> ir.Const:
    return ir.Const(v, scalar(DType.F32), f"{v!r}f")


def plain_math(e):
    """CUDA/HIP math spellings that BANG C lacks, as standard C (catalog math.toml)."""
    if not isinstance(e, ir.Call):
        return e
    a, name, t = e.args, e.callee, e.type
    renames = {"__expf": "expf", "__logf": "logf", "__sinf": "sinf", "__cosf": "cosf", "__powf": "powf",
               "__fsqrt_rn": "sqrtf"}
    if name in renames:
        return dataclasses.replace(e, callee=renames[name])
    if name == "rsqrtf":
        return ir.Binary("/", _f32(1.0), ir.Call("sqrtf", a, t), t, e.span)
    if name == "__frcp_rn":
        return ir.Binary("/", _f32(1.0), a[0], t, e.span)
    if name == "__fdividef":
        return ir.Binary("/", a[0], a[1], t, e.span)
    if name == "__saturatef":
        return ir.Call("fminf", (ir.Call("fmaxf", (a[0], _f32(0.0)), t), _f32(1.0)), t, (), e.span)
    if name.startswith("std::"):
        name = name[5:]
        if isinstance(t, Scalar) and t.dtype is DType.F32 and name not in ("max", "min", "abs"):
            name += "f"
        e = dataclasses.replace(e, callee=name)
    if e.callee in ("max", "min", "abs") and isinstance(t, Scalar):
        if t.dtype.is_float:
            suffix = "f" if t.dtype is not DType.F64 else ""
            return dataclasses.replace(e, callee={"max": "fmax", "min": "fmin", "abs": "fabs"}[e.callee] + suffix)
        if e.callee == "abs":
            return ir.Ternary(binary("<", a[0], const(0)), ir.Unary("-", a[0], t), a[0], t, e.span)
        op = ">" if e.callee == "max" else "<"
        return ir.Ternary(binary(op, a[0], a[1]), ir.Cast(a[0], t), ir.Cast(a[1], t), t, e.span)
    return e


# ---- kernels ------------------------------------------------------------------------------------

class Kernel:
    """The `__mlu_global__` function of one site, and what its launch needs."""

    def __init__(self, site: Site, tasks: int, nram_budget: int):
        self.site = site
        self.tasks = tasks
        self.names = {n.name for n in walk(site.loop) if isinstance(n, (ir.Decl, ir.Var))}
        self.extent = ir.Var(self.fresh("__extent"), I32)
        self.scratch = ir.Var(self.fresh("__scratch"), CHAR_PTR)
        body = self.rename_arrays(site.loop.body)
        body = self.lower(body)
        body, arrays = self.hoist(body)
        decls, self.scratch_bytes, in_gdram = self.place(arrays, nram_budget)
        if in_gdram:
            body = transform(body, lambda n: self.flatten_stmt(n, in_gdram))
        loop = ir.For((ir.Decl(site.var, I32, ir.Builtin("taskId", I32)),),
                      binary("<", ir.Var(site.var, I32), self.extent),
                      (ir.Assign(ir.Var(site.var, I32), "+", ir.Builtin("taskDim", I32)),), body, (), site.loop.span)
        params = site.params + (ir.Param(self.extent.name, I32),)
        if self.scratch_bytes:
            params += (ir.Param(self.scratch.name, CHAR_PTR),)
        self.function = ir.Function(site.name, ir.FuncKind.KERNEL, Void(), params,
                                    ir.Block(tuple(decls) + (loop,)), frozenset({"__mlu_global__"}),
                                    span=site.loop.span)

    def fresh(self, name: str) -> str:
        k, new = 0, name
        while new in self.names:
            k += 1
            new = f"{name}{k}"
        self.names.add(new)
        return new

    # arrays ---------------------------------------------------------------------------------------
    def rename_arrays(self, body: ir.Block) -> ir.Block:
        """Give every array declared in the body a name no other declaration or parameter has, so
        that it can move to kernel scope (scoped: only the uses it reaches are renamed)."""
        counts: dict[str, int] = {}
        for n in walk(body):
            if isinstance(n, ir.Decl):
                counts[n.name] = counts.get(n.name, 0) + 1
        clash = {name for name, c in counts.items() if c > 1} | {p.name for p in self.site.params} | {self.site.var}

        def block(b, env):
            env = dict(env)
            return ir.Block(tuple(stmt(s, env) for s in b.stmts), b.span)

        def expr(e, env):
            if e is None:
                return None
            return transform(e, lambda n: dataclasses.replace(n, name=env[n.name])
                             if isinstance(n, ir.Var) and n.name in env else n)

        def stmt(s, env):
            if isinstance(s, ir.Decl):
                new = dataclasses.replace(s, init=expr(s.init, env))
                if isinstance(s.type, Array) and s.name in clash:
                    env[s.name] = self.fresh(s.name)
                    return dataclasses.replace(new, name=env[s.name])
                env.pop(s.name, None)
                return new
            if isinstance(s, ir.Block):
                return block(s, env)
            if isinstance(s, ir.For):
                inner = dict(env)
                init = tuple(stmt(x, inner) for x in s.init)
                return ir.For(init, expr(s.cond, inner), tuple(stmt(x, inner) for x in s.step),
                              stmt(s.body, dict(inner)), s.pragmas, s.span)
            if isinstance(s, ir.If):
                return ir.If(expr(s.cond, env), stmt(s.then, dict(env)),
                             stmt(s.other, dict(env)) if s.other is not None else None, s.span)
            if isinstance(s, ir.While):
                return ir.While(expr(s.cond, env), stmt(s.body, dict(env)), s.do_while, s.span)
            if isinstance(s, ir.Switch):
                inner = dict(env)
                return ir.Switch(expr(s.value, env), tuple(ir.Case(c.values, tuple(stmt(x, inner) for x in c.body))
                                                           for c in s.cases), s.span)
            if isinstance(s, ir.Assign):
                return ir.Assign(expr(s.target, env), s.op, expr(s.value, env), s.span)
            if isinstance(s, ir.ExprStmt):
                return ir.ExprStmt(expr(s.expr, env), s.span)
            return s
        return block(body, {})

    def hoist(self, body: ir.Block) -> tuple[ir.Block, list[ir.Decl]]:
        """Remove array declarations from the body (initialisers become element assignments)."""
        arrays: list[ir.Decl] = []

        def fix(n):
            if not (isinstance(n, ir.Decl) and isinstance(n.type, Array)):
                return n
            if n.type.size is None or n.ctor_args is not None:
                raise cannot(n.span, f"the array '{n.name}' of unknown size")
            arrays.append(n)
            if n.init is None:
                return []
            return _init_assignments(ir.Var(n.name, n.type), n.type, n.init, n.span)
        return transform(body, fix), arrays

    def place(self, arrays: list[ir.Decl], budget: int):
        """NRAM declarations at kernel scope while they fit, GDRAM scratch slices for the rest."""
        decls, in_gdram, used, offset = [], {}, 0, 0
        for d in arrays:
            size = sizeof(d.type)
            if used + size <= budget:
                used += size
                decls.append(ir.Decl(d.name, _in_space(d.type, Space.NRAM), None, space=Space.NRAM, span=d.span))
                continue
            elem = _element(d.type)
            slot = ir.Binary("+", self.scratch, binary("+", binary("*", ir.Cast(ir.Builtin("taskId", I32), I64),
                                                                     ir.Var("@per_task", I64)), const(offset)), CHAR_PTR)
            decls.append(ir.Decl(d.name, Pointer(elem), ir.Cast(slot, Pointer(elem)), span=d.span))
            in_gdram[d.name] = d.type
            offset += -(-size // SCRATCH_ALIGN) * SCRATCH_ALIGN
        per_task = ir.Const(offset, I64, str(offset))
        decls = [transform(d, lambda n: per_task if isinstance(n, ir.Var) and n.name == "@per_task" else n)
                 for d in decls]
        return decls, offset, in_gdram

    def flatten_stmt(self, n, arrays: dict[str, Array]):
        """Index chains into GDRAM scratch arrays as one linear index into their pointer."""
        if not isinstance(n, ir.Stmt) or isinstance(n, (ir.Block,)):
            return n
        changes = {}
        for f in dataclasses.fields(n):
            v = getattr(n, f.name)
            if isinstance(v, ir.Expr):
                changes[f.name] = _flatten(v, arrays)
        return dataclasses.replace(n, **changes) if changes else n

    # atomics and pragmas --------------------------------------------------------------------------
    def lower(self, body: ir.Block) -> ir.Block:
        private = self.private_roots(body)

        def fix(n):
            if isinstance(n, ir.For) and is_parallel(n):
                return dataclasses.replace(n, pragmas=tuple(p for p in n.pragmas if not p.startswith(PARALLEL)))
            if isinstance(n, ir.Block):
                return ir.Block(tuple(self.atomics(list(n.stmts), private)), n.span)
            return n
        return transform(body, fix)

    def private_roots(self, body: ir.Block) -> set[str]:
        """Variables declared in the loop body whose memory no other task can reach: arrays,
        scalars, and pointers that only ever point into those."""
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

    def atomics(self, stmts: list[ir.Stmt], private: set[str]) -> list[ir.Stmt]:
        out, i = [], 0
        while i < len(stmts):
            s = stmts[i]
            if isinstance(s, ir.PragmaStmt) and s.text in ("omp atomic", "omp critical") and i + 1 < len(stmts):
                update = stmts[i + 1]
                out.extend(self.atomic(s, update, private))
                i += 2
                continue
            if isinstance(s, ir.PragmaStmt) and s.text.startswith("omp "):
                raise cannot(s.span, f"'#pragma {s.text}' in a kernel")
            out.append(s)
            i += 1
        return out

    def atomic(self, pragma: ir.PragmaStmt, update: ir.Stmt, private: set[str]) -> list[ir.Stmt]:
        targets = [n.target for n in walk(update) if isinstance(n, ir.Assign)]
        if targets and all(_lvalue_root(t) in private for t in targets):
            return [update]                     # task-private memory: tasks run serially
        if pragma.text == "omp atomic":
            if not (isinstance(update, ir.Assign) and update.op in ("+", "-")):
                raise cannot(update.span, "an 'omp atomic' update other than += or -= of shared memory")
            value = update.value if update.op == "+" else ir.Unary("-", update.value, update.value.type)
            return [self.atomic_call("__bang_atomic_reduce_add", update.target, value, update.span)]
        found = _max_min(update)
        if found is None:
            raise cannot(update.span, "an 'omp critical' section other than a max/min update of shared memory")
        kind, target, value = found
        return [self.atomic_call(f"__bang_atomic_reduce_{kind}", target, value, update.span)]

    def atomic_call(self, name: str, target: ir.Expr, value: ir.Expr, span) -> ir.Stmt:
        t = target.type
        if not (isinstance(t, Scalar) and t.dtype in ATOMIC_TYPES):
            raise cannot(span, f"an atomic update of {t.c()} (BANG atomics take 16/32-bit types)")
        vt = value.type
        if isinstance(vt, Scalar) and vt.dtype.is_float and not t.dtype.is_float:
            raise cannot(span, f"an atomic update of {t.c()} by a {vt.c()} value")
        if vt != t:
            value = ir.Cast(value, t)
        if isinstance(target, ir.Deref):
            address = target.operand
        elif isinstance(target, ir.Index) and isinstance(target.base.type, Pointer):
            address = ir.Binary("+", target.base, target.index, target.base.type)
        else:
            raise cannot(span, "an atomic update of this expression")
        return ir.ExprStmt(ir.Call(name, (address, value, ir.Const(1, U32, "1")), Void(), (), span), span)

    # launch ---------------------------------------------------------------------------------------
    def launch(self, off: Offload) -> list[ir.Stmt]:
        extent = ir.Var(off.fresh("__extent"), I32)
        tasks = ir.Var(off.fresh("__tasks"), I32)
        dim_t = Vector(DType.U32, 3, VecKind.STRUCT, "cnrtDim3_t")
        dim = ir.Var(off.fresh("__dim"), dim_t)
        n = const(self.tasks)
        count = ir.Ternary(binary("<", extent, const(1)), const(1),
                           ir.Ternary(binary("<", extent, n), extent, n, I32), I32)
        stmts: list[ir.Stmt] = [
            ir.Decl(extent.name, I32, _as_int(self.site.extent)),
            ir.Decl(tasks.name, I32, count),
            ir.Decl(dim.name, dim_t, ir.InitList((ir.Cast(tasks, U32), ir.Const(1, U32, "1"), ir.Const(1, U32, "1")),
                                                 dim_t))]
        args = tuple(ir.Var(p.name, p.type) for p in self.site.params) + (extent,)
        scratch = ir.Var(off.fresh("__scratch"), CHAR_PTR)
        if self.scratch_bytes:
            stmts.append(ir.Decl(scratch.name, CHAR_PTR))
            size = binary("*", ir.Cast(tasks, U64), ir.Const(self.scratch_bytes, U64, str(self.scratch_bytes)))
            stmts.append(off.malloc(scratch, ir.Call("malloc", (size,), Pointer(Void()))))
            args += (scratch,)
        ktype = RUNTIME.enum("cnrtFuncTypeBlock")
        stmts.append(ir.Launch(self.site.name, (), (dim, ktype, off.queue), args, "chevrons", self.site.loop.span))
        stmts.append(ir.ExprStmt(ir.Call("cnrtQueueSync", (off.queue,), Opaque("cnrtRet_t"))))
        if self.scratch_bytes:
            stmts.append(ir.ExprStmt(ir.Call("cnrtFree", (ir.Cast(scratch, Pointer(Void())),), Opaque("cnrtRet_t"))))
        return [ir.Block(tuple(stmts))]


def _as_int(e: ir.Expr) -> ir.Expr:
    return e if e.type == I32 else ir.Cast(e, I32)


def _element(t: Type) -> Type:
    while isinstance(t, Array):
        t = t.of
    return t


def _in_space(t: Type, space: Space) -> Type:
    return Array(_in_space(t.of, space) if isinstance(t.of, Array) else t.of, t.size, space) \
        if isinstance(t, Array) else t


def _dims(t: Type) -> list[int]:
    dims = []
    while isinstance(t, Array):
        dims.append(t.size)
        t = t.of
    return dims


def _flatten(e: ir.Expr, arrays: dict[str, Array]) -> ir.Expr:
    chain, base = [], e
    while isinstance(base, ir.Index):
        chain.append(base.index)
        base = base.base
    if isinstance(base, ir.Var) and base.name in arrays:
        dims = _dims(arrays[base.name])
        idx = [_flatten(i, arrays) for i in reversed(chain)]
        ptr = ir.Var(base.name, Pointer(_element(arrays[base.name])), base.span)
        if len(idx) < len(dims) - 1 or (not idx and len(dims) > 1):
            raise cannot(e.span if hasattr(e, "span") else None,
                         f"a partial index of the multi-dimensional array '{base.name}' placed in GDRAM")
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
    changes = {}
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, ir.Expr):
            changes[f.name] = _flatten(v, arrays)
        elif isinstance(v, tuple) and v and isinstance(v[0], ir.Expr):
            changes[f.name] = tuple(_flatten(x, arrays) for x in v)
    return dataclasses.replace(e, **changes) if changes else e


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


def _lvalue_root(e: ir.Expr) -> str | None:
    while isinstance(e, (ir.Index, ir.Member)):
        e = e.base
    if isinstance(e, ir.Deref):
        e = e.operand
    return pointer_root(e)[0]


def _max_min(update: ir.Stmt):
    """('max' | 'min', target, value) of `if (v > t) t = v;`, `t = fmaxf(t, v)` and mirrors."""
    while isinstance(update, ir.Block) and len(update.stmts) == 1:
        update = update.stmts[0]
    if isinstance(update, ir.Assign) and update.op is None and isinstance(update.value, ir.Call) \
            and len(update.value.args) == 2:
        kind = {"fmaxf": "max", "fmax": "max", "max": "max", "fminf": "min", "fmin": "min", "min": "min"}.get(
            update.value.callee)
        a, b = update.value.args
        if kind and (a == update.target or b == update.target):
            return kind, update.target, b if a == update.target else a
        return None
    if not (isinstance(update, ir.If) and update.other is None and isinstance(update.cond, ir.Binary)):
        return None
    then = update.then
    while isinstance(then, ir.Block) and len(then.stmts) == 1:
        then = then.stmts[0]
    if not (isinstance(then, ir.Assign) and then.op is None):
        return None
    c, target, value = update.cond, then.target, then.value
    if c.left == value and c.right == target:
        kind = {">": "max", ">=": "max", "<": "min", "<=": "min"}.get(c.op)
    elif c.left == target and c.right == value:
        kind = {"<": "max", "<=": "max", ">": "min", ">=": "min"}.get(c.op)
    else:
        kind = None
    return (kind, target, value) if kind else None


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
        out = ["// BANG C emitted by xpiler from the canonical form (emit/bang.py)."]
        out += [f"#include {inc}" for inc in m.includes]
        out += [self.typedef(name, t) for name, t in m.typedefs if not isinstance(t, Opaque)]
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
    module = scalarize(canonical, TARGET)
    module = dataclasses.replace(module, functions=tuple(
        dataclasses.replace(f, body=transform(f.body, plain_math)) if f.body is not None else f
        for f in module.functions))
    off = Offload(module, RUNTIME)
    kernels = [Kernel(site, tasks, nram_budget) for site in off.sites]
    host = off.host_function(lambda site: kernels[site.index].launch(off))
    helpers = _helpers(off, [k.function for k in kernels], host)
    out = ir.Module(ir.Platform.BANG, tuple(helpers + [k.function for k in kernels] + [host]),
                    includes=("<bang.h>", "<cnrt.h>", "<float.h>", "<limits.h>", "<math.h>", "<stdint.h>",
                              "<stdlib.h>", "<string.h>"),
                    typedefs=canonical.typedefs, filename=canonical.filename)
    return BangEmitter().module(out)


def _helpers(off: Offload, kernels: list[ir.Function], host: ir.Function) -> list[ir.Function]:
    """Canonical helper functions: `__mlu_func__` when kernels call them, host functions when the
    host entry does (both: refused, BANG C has no host-and-device functions)."""
    by_name = {f.name: f for f in off.helpers}

    def reach(roots):
        seen, todo = set(), [n.callee for r in roots for n in walk(r) if isinstance(n, ir.Call)]
        while todo:
            name = todo.pop()
            if name in by_name and name not in seen:
                seen.add(name)
                todo += [n.callee for n in walk(by_name[name]) if isinstance(n, ir.Call)]
        return seen
    device, on_host = reach(kernels), reach([host])
    out = []
    for f in off.helpers:
        if f.name in device and f.name in on_host:
            raise cannot(f.span, f"the helper '{f.name}', called by host code and by kernels")
        if f.name in device:
            out.append(dataclasses.replace(f, kind=ir.FuncKind.DEVICE, qualifiers=frozenset({"__mlu_func__"})))
        elif f.name in on_host:
            out.append(f)
    return out
