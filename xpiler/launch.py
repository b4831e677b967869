"""Device-only kernels: the launch a caller uses, and the host entry xpiler gives such a file.

Kernels are often shipped without host code (`extern "C" __mlu_global__ void op(float* a, ...)`,
TVM's `default_function_kernel`): the caller decides the launch. `with_host_entry` adds the host
function such a caller would write, `<kernel>_kernel(<the kernel's parameters>)`, which launches
the kernel on the arrays it is given (architecture.md, output contract). Everything downstream
(the interpreter, the lifters, the differential test, the emitters) then sees an ordinary file
with a launcher. The interpreter does not distinguish host and device memory, so the entry
launches on the caller's arrays directly; the lifted program is a host function with parallel
loops over those arrays, which device targets stage through device copies (emit/staging.py).

The launch comes from `--launch` (`LaunchSpec.parse`), else from the platform's convention
(BANG: Union4, 4 clusters x 4 cores = 16 tasks; bang.md), else, for CUDA/HIP, from the kernel's
own bounds: the block from `__launch_bounds__(N)`, the grid from the guards around its stores
(the largest block index that can reach a store to memory, found with z3).
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

import z3

from . import ir
from .diagnostics import XpilerError
from .builtins import ENUM_CONSTANTS
from .irutil import walk
from .z3ir import Z3Ints, single_definitions
from .types import DType, I32, Opaque, Pointer, Scalar, Space, Vector, VecKind

DIM3 = Vector(DType.U32, 3, VecKind.STRUCT, "dim3")
CNRT_DIM3 = Vector(DType.U32, 3, VecKind.STRUCT, "cnrtDim3_t")
# union -> (function type, tasks of one union block: 4 cores per cluster)
BANG_UNIONS = {0: ("cnrtFuncTypeBlock", 1), 1: ("cnrtFuncTypeUnion1", 4), 2: ("cnrtFuncTypeUnion2", 8),
               4: ("cnrtFuncTypeUnion4", 16), 8: ("cnrtFuncTypeUnion8", 32), 16: ("cnrtFuncTypeUnion16", 64)}
BANG_CONVENTION = (4, 16)          # Union4: 4 clusters x 4 cores (bang.md, launch)
LAUNCH_HELP = "CUDA/HIP: --launch grid=X[xYxZ],block=X[xYxZ][,shared=BYTES]; BANG: --launch union=N,tasks=T"


@dataclass(frozen=True)
class LaunchSpec:
    """How a device-only kernel is launched: grid/block (CUDA, HIP) or union/tasks (BANG)."""
    grid: tuple[int, int, int] | None = None
    block: tuple[int, int, int] | None = None
    shared_bytes: int = 0
    union: int | None = None
    tasks: int | None = None
    origin: str = "--launch"          # where it came from, for the output header

    @staticmethod
    def parse(text: str) -> "LaunchSpec":
        fields: dict = {}
        for item in filter(None, (s.strip() for s in text.split(","))):
            key, _, value = item.partition("=")
            key = key.strip().lower()
            try:
                if key in ("grid", "block"):
                    dims = [int(v) for v in re.split(r"[x*]", value.strip().lower())]
                    if not 1 <= len(dims) <= 3 or min(dims) < 1:
                        raise ValueError
                    fields[key] = tuple(dims + [1] * (3 - len(dims)))
                elif key in ("shared", "shared_bytes", "tasks", "union"):
                    n = int(value)
                    if n < 0:
                        raise ValueError
                    fields["shared_bytes" if key.startswith("shared") else key] = n
                else:
                    raise XpilerError(None, f"--launch: unknown field '{key}' ({LAUNCH_HELP})")
            except ValueError:
                raise XpilerError(None, f"--launch: bad value in '{item}' ({LAUNCH_HELP})") from None
        spec = LaunchSpec(**fields)
        if (spec.union is None) != (spec.tasks is None) or \
                (spec.union is not None and (spec.grid or spec.block)) or \
                (spec.union is None and (spec.grid is None or spec.block is None)):
            raise XpilerError(None, f"--launch {text}: give grid and block, or union and tasks ({LAUNCH_HELP})")
        if spec.union is not None and spec.union not in BANG_UNIONS:
            raise XpilerError(None, f"--launch: union must be one of {sorted(BANG_UNIONS)} (0 = BLOCK)")
        return spec

    def describe(self) -> str:
        if self.union is not None:
            kind = "BLOCK" if self.union == 0 else f"Union{self.union}"
            return f"{kind}, {self.tasks} tasks ({self.origin})"
        g, b = ("x".join(map(str, d)) for d in (self.grid, self.block))
        return f"grid {g}, block {b}" + (f", {self.shared_bytes} B dynamic shared" if self.shared_bytes else "") \
            + f" ({self.origin})"


def host_entry_name(kernel: str) -> str:
    return f"{kernel}_kernel"


def device_kernel(module: ir.Module, name: str | None) -> ir.Function | None:
    """The kernel a device-only run calls: `name` if it is a kernel, else the one kernel with C
    linkage, else the one kernel. None when the module has host code that launches (use that)."""
    if module.platform is ir.Platform.VNNI:          # C functions are host code already
        return None
    kernels = module.kernels
    if name is not None:
        fn = module.function(name)
        return fn if fn is not None and fn.kind is ir.FuncKind.KERNEL and fn.body is not None else None
    if any(_launches(f) for f in module.host_functions):
        return None
    extern = [k for k in kernels if k.extern_c]
    if len(kernels) == 1:
        return kernels[0]
    if len(extern) == 1:
        return extern[0]
    if kernels:
        names = ", ".join(k.name for k in kernels)
        raise XpilerError(None, f"{module.filename}: several kernels and no host code (kernels: {names}); "
                                f"name the one to run with --entry")
    return None


def _launches(fn: ir.Function) -> bool:
    return any(isinstance(n, ir.Launch) for n in walk(fn.body))


def with_host_entry(module: ir.Module, kernel: ir.Function, spec: LaunchSpec) -> ir.Module:
    """`module` plus `extern "C" void <kernel>_kernel(<kernel's parameters>)` launching `kernel`."""
    name = host_entry_name(kernel.name)
    if module.function(name) is not None:
        raise XpilerError(kernel.span, f"cannot add the host entry '{name}' for device-only kernel "
                                       f"'{kernel.name}': the file already defines '{name}'")
    if kernel.template_params:
        raise XpilerError(kernel.span, f"not supported: running the template kernel '{kernel.name}' "
                                       f"without host code (no template arguments are known)")
    params = tuple(ir.Param(p.name, _host_type(p.type), p.span) for p in kernel.params)
    args = tuple(ir.Var(p.name, p.type) for p in params)
    i32 = lambda v: ir.Const(v, I32, str(v))
    if module.platform is ir.Platform.BANG:
        if spec.union is None:
            raise XpilerError(kernel.span, f"--launch for a BANG kernel takes union and tasks ({LAUNCH_HELP})")
        enum, multiple = BANG_UNIONS[spec.union]
        if spec.union and spec.tasks % multiple:
            raise XpilerError(kernel.span, f"--launch: a Union{spec.union} launch needs a multiple of "
                                           f"{multiple} tasks, got {spec.tasks}")
        queue = ir.Decl("__queue", Opaque("cnrtQueue_t"))
        dim = ir.Decl("__dim", CNRT_DIM3, ir.InitList((i32(spec.tasks), i32(1), i32(1)), CNRT_DIM3))
        value, enum_type = ENUM_CONSTANTS[enum]
        ktype = ir.EnumConst(enum, value, enum_type)
        launch = ir.Launch(kernel.name, (), (ir.Var("__dim", CNRT_DIM3), ktype, ir.Var("__queue", queue.type)), args)
        body = (queue, dim, launch)
    else:
        if spec.grid is None:
            raise XpilerError(kernel.span, f"--launch for a {module.platform.value} kernel takes grid and block "
                                           f"({LAUNCH_HELP})")
        dim3 = lambda d: ir.Call("dim3", tuple(i32(v) for v in d), DIM3)
        config = (dim3(spec.grid), dim3(spec.block), i32(spec.shared_bytes))
        body = (ir.Launch(kernel.name, (), config, args),)
    entry = ir.Function(name, ir.FuncKind.HOST, kernel.ret, params, ir.Block(body, kernel.span),
                        frozenset(), True, (), (), kernel.span)
    return dataclasses.replace(module, functions=module.functions + (entry,))


def _host_type(t):
    """The caller of a device-only kernel passes device memory: its pointers point to GLOBAL
    memory (the interpreter binds such arrays as device buffers)."""
    if isinstance(t, Pointer):
        return dataclasses.replace(t, space=Space.GLOBAL)
    return t


# ---- the launch a kernel's own bounds imply (CUDA/HIP) -----------------------------------------

def default_launch(module: ir.Module, kernel: ir.Function) -> LaunchSpec:
    """BANG: the conventional Union4 launch. CUDA/HIP: block from `__launch_bounds__`, grid from
    the guards of the kernel's stores; a positioned error naming `--launch` when they do not say."""
    if module.platform is ir.Platform.BANG:
        union, tasks = BANG_CONVENTION
        return LaunchSpec(union=union, tasks=tasks, origin="the Union4 convention")
    used = {n.name for n in walk(kernel.body) if isinstance(n, ir.Builtin)}
    bound = kernel.launch_bounds[0] if kernel.launch_bounds else None
    if not isinstance(bound, ir.Const) or not isinstance(bound.value, int):
        raise XpilerError(kernel.span, f"cannot tell how '{kernel.name}' is launched: it has no host code and "
                                       f"no __launch_bounds__; give --launch ({LAUNCH_HELP})")
    if used & {"threadIdx.y", "threadIdx.z", "blockDim.y", "blockDim.z"}:
        raise XpilerError(kernel.span, f"cannot tell the block shape of '{kernel.name}' (it uses a 2-D/3-D "
                                       f"thread index; __launch_bounds__ gives only the total): give --launch "
                                       f"({LAUNCH_HELP})")
    block = (int(bound.value), 1, 1)
    grid = []
    for axis in "xyz":
        if f"blockIdx.{axis}" not in used:
            grid.append(1)
            continue
        top = _largest_block_index(kernel, axis, block)
        if top is None:
            raise XpilerError(kernel.span, f"cannot derive the grid of '{kernel.name}' from its guards "
                                           f"(blockIdx.{axis} is not bounded where it stores): give --launch "
                                           f"({LAUNCH_HELP})")
        grid.append(top + 1)
    if "gridDim.x" in used or "gridDim.y" in used or "gridDim.z" in used:
        raise XpilerError(kernel.span, f"'{kernel.name}' reads gridDim (a grid-stride loop works with any "
                                       f"grid): give --launch ({LAUNCH_HELP})")
    return LaunchSpec(grid=tuple(grid), block=block, origin="derived from __launch_bounds__ and the guards")


_MAX_GRID = 1 << 20


def _largest_block_index(kernel: ir.Function, axis: str, block: tuple[int, int, int]) -> int | None:
    """The largest blockIdx.<axis> for which some store to memory is reachable (z3 over the path
    conditions; anything z3 is not told is free, so the answer can only be too large, never too
    small), or None when it is unbounded."""
    env = Z3Ints(defs=single_definitions(kernel.body))
    bounds = []
    for i, c in enumerate("xyz"):
        t = env.var(f"threadIdx.{c}")
        bounds += [t >= 0, t < block[i], env.var(f"blockIdx.{c}") >= 0, env.var(f"blockDim.{c}") == block[i]]
    best = None
    for conds in _store_paths(kernel.body, ()):
        opt = z3.Optimize()
        opt.set("timeout", 2000)
        for c in bounds:
            opt.add(c)
        for c in conds:
            opt.add(env.boolean(c))
        b = env.var(f"blockIdx.{axis}")
        opt.add(b < _MAX_GRID)
        h = opt.maximize(b)
        if opt.check() != z3.sat:
            continue
        value = opt.upper(h).as_long() if z3.is_int_value(opt.upper(h)) else None
        if value is None or value >= _MAX_GRID - 1:
            return None
        best = value if best is None else max(best, value)
    return best


def _store_paths(s: ir.Stmt, conds: tuple) -> list[tuple]:
    """Path conditions (tuples of IR conditions) of every store to memory and atomic under `s`.
    An early `if (c) return;` adds `!c` to what follows; loop bodies keep only the conditions
    outside the loop (loop variables are free)."""
    out: list[tuple] = []
    if isinstance(s, ir.Block):
        cur = conds
        for x in s.stmts:
            out += _store_paths(x, cur)
            if isinstance(x, ir.If) and _returns(x.then) and x.other is None:
                cur = cur + (ir.Unary("!", x.cond, x.cond.type),)
        return out
    if isinstance(s, ir.If):
        out += _store_paths(s.then, conds + (s.cond,))
        if s.other is not None:
            out += _store_paths(s.other, conds + (ir.Unary("!", s.cond, s.cond.type),))
        return out
    if isinstance(s, (ir.For, ir.While)):
        parts = [s.body] + (list(s.init) + list(s.step) if isinstance(s, ir.For) else [])
        for p in parts:
            out += _store_paths(p, conds)
        return out
    if isinstance(s, ir.Switch):
        for case in s.cases:
            for x in case.body:
                out += _store_paths(x, conds)
        return out
    if isinstance(s, ir.Assign) and isinstance(s.target, (ir.Index, ir.Deref, ir.Member)) \
            and not _local_target(s.target):
        out.append(conds)
    elif isinstance(s, (ir.ExprStmt, ir.Decl, ir.Assign)) and any(
            isinstance(n, ir.Call) and (n.callee.startswith(("atomic", "__memcpy", "__bang_")) or "store" in n.callee)
            for n in walk(s)):
        out.append(conds)
    return out


def _returns(s: ir.Stmt) -> bool:
    return isinstance(s, ir.Return) or (isinstance(s, ir.Block) and len(s.stmts) == 1 and isinstance(s.stmts[0], ir.Return))


def _local_target(t: ir.Expr) -> bool:
    """A store into an array or struct declared in the kernel (registers, shared memory)."""
    while isinstance(t, (ir.Index, ir.Member)):
        t = t.base
    return isinstance(t, ir.Var) and not isinstance(t.type, Pointer)


def runnable(module: ir.Module, entry: str | None = None,
             launch: "str | LaunchSpec | None" = None) -> tuple[ir.Module, str | None, list[str]]:
    """`module` ready to run through a host entry: unchanged when it has host code that launches
    (or is C), else with the host entry of its device-only kernel (`entry`, or the one kernel)
    added, launched as `launch` says or by default. Returns the module, the entry to call (None:
    the caller's choice stands) and header notes."""
    kernel = device_kernel(module, entry)
    if kernel is None:
        if launch is not None:
            what = f"'{entry}' is not a kernel" if entry else "the file has host code that launches its kernels"
            raise XpilerError(None, f"{module.filename}: --launch applies to a device-only kernel; {what}")
        return module, entry, []
    spec = LaunchSpec.parse(launch) if isinstance(launch, str) else launch or default_launch(module, kernel)
    note = (f"device-only kernel '{kernel.name}': host entry {host_entry_name(kernel.name)}() added, "
            f"launched with {spec.describe()}")
    return with_host_entry(module, kernel, spec), host_entry_name(kernel.name), [note]
