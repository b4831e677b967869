"""The Kernel IR: typed, platform-tagged programs built by the front end.

A `Module` holds the functions of one file: kernels (`__global__`, `__mlu_global__`, or for vnni
the `extern "C"` entry functions), device helpers and host functions (launchers). Nodes hold
data only; every expression carries its type; `span` is ignored by equality so that round trips
compare cleanly. Passes, printers and the interpreter live elsewhere.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from .diagnostics import Span
from .types import Space, Type


class Platform(Enum):
    CUDA = "cuda"
    HIP = "hip"
    BANG = "bang"
    VNNI = "vnni"


PLATFORM_ALIASES = {"cuda": Platform.CUDA, "hip": Platform.HIP, "bang": Platform.BANG,
                    "mlu": Platform.BANG, "vnni": Platform.VNNI, "cpu": Platform.VNNI,
                    "c": Platform.VNNI, "dlboost": Platform.VNNI}
EXTENSIONS = {".cu": Platform.CUDA, ".cuh": Platform.CUDA, ".hip": Platform.HIP,
              ".mlu": Platform.BANG, ".cpp": Platform.VNNI, ".cc": Platform.VNNI,
              ".c": Platform.VNNI, ".cxx": Platform.VNNI}


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---- expressions -----------------------------------------------------------------------------

class Expr:
    type: Type


@dataclass(frozen=True, slots=True)
class Const(Expr):
    """A literal; `text` keeps the spelling (1.0f, 0x7f) for printing."""
    value: int | float | bool
    type: Type
    text: str | None = None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class EnumConst(Expr):
    """A named constant from a platform header (cudaMemcpyHostToDevice, GDRAM2NRAM, ...)."""
    name: str
    value: int
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Str(Expr):
    value: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Var(Expr):
    name: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Builtin(Expr):
    """A platform index variable: threadIdx.x, blockDim.y, taskId, coreId, warpSize, ..."""
    name: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Unary(Expr):
    op: str                  # - + ! ~
    operand: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Binary(Expr):
    op: str                  # + - * / % << >> < > <= >= == != & | ^ && ||
    left: Expr
    right: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Ternary(Expr):
    cond: Expr
    then: Expr
    other: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Cast(Expr):
    """Conversion to `type`; `style` is c, static, reinterpret, const or functional."""
    operand: Expr
    type: Type
    style: str = "c"
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Index(Expr):
    """`base[index]`; `index` counts elements of the pointee, not bytes."""
    base: Expr
    index: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Member(Expr):
    """`base.field` (float4 .x, dim3 .y, fragment .x / .num_elements, a field of a struct;
    `p->f` is Member(Deref(p), f))."""
    base: Expr
    field: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Call(Expr):
    callee: str
    args: tuple[Expr, ...]
    type: Type
    template_args: tuple = ()
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class MethodCall(Expr):
    """`obj.method(args)` on a library class object (std::vector: data, size, empty, resize,
    assign)."""
    obj: Expr
    method: str
    args: tuple[Expr, ...]
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class AddressOf(Expr):
    operand: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Deref(Expr):
    operand: Expr
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class SizeOf(Expr):
    of: Type
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class InitList(Expr):
    items: tuple[Expr, ...]
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class TypeArg(Expr):
    """A type used as a template argument (`max<float>`, `fragment<..., half, ...>`)."""
    of: Type
    type: Type
    span: Span | None = _span()


# ---- statements ------------------------------------------------------------------------------

class Stmt:
    pass


@dataclass(frozen=True, slots=True)
class Decl(Stmt):
    """A variable: scalar, pointer, array (with its memory space), vector, fragment."""
    name: str
    type: Type
    init: Expr | None = None
    ctor_args: tuple[Expr, ...] | None = None      # dim3 grid(16, 16)
    storage: frozenset[str] = frozenset()           # static, const, extern, constexpr
    space: Space = Space.LOCAL
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Assign(Stmt):
    """`target op= value`; op is None for plain `=`. `i++` is Assign(i, '+', 1)."""
    target: Expr
    op: str | None
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class ExprStmt(Stmt):
    expr: Expr
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Block(Stmt):
    stmts: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class If(Stmt):
    cond: Expr
    then: Stmt
    other: Stmt | None = None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class For(Stmt):
    init: tuple[Stmt, ...]
    cond: Expr | None
    step: tuple[Stmt, ...]
    body: Stmt
    pragmas: tuple[str, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class While(Stmt):
    cond: Expr
    body: Stmt
    do_while: bool = False
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Case:
    values: tuple[Expr, ...]        # empty: default
    body: tuple[Stmt, ...]


@dataclass(frozen=True, slots=True)
class Switch(Stmt):
    value: Expr
    cases: tuple[Case, ...]
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Break(Stmt):
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Continue(Stmt):
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Return(Stmt):
    value: Expr | None = None
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Launch(Stmt):
    """A kernel launch from host code. `config` is (grid, block[, shmem[, stream]]) for cuda/hip,
    (dim, ktype, queue) for bang. `style` records the spelling: chevrons or hipLaunchKernelGGL."""
    kernel: str
    template_args: tuple
    config: tuple[Expr, ...]
    args: tuple[Expr, ...]
    style: str = "chevrons"
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class PragmaStmt(Stmt):
    text: str
    span: Span | None = _span()


# ---- functions and modules -------------------------------------------------------------------

class FuncKind(Enum):
    KERNEL = "kernel"        # __global__, __mlu_global__/__mlu_entry__
    DEVICE = "device"        # __device__, __mlu_func__/__mlu_device__
    HOST = "host"            # everything else (launchers, vnni functions)


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    type: Type
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class TemplateParam:
    name: str
    kind: str                # "type" or "value"
    type: Type | None = None
    default: Expr | None = None


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    kind: FuncKind
    ret: Type
    params: tuple[Param, ...]
    body: Block | None
    qualifiers: frozenset[str] = frozenset()
    extern_c: bool = False
    template_params: tuple[TemplateParam, ...] = ()
    launch_bounds: tuple[Expr, ...] = ()
    span: Span | None = _span()


@dataclass(frozen=True, slots=True)
class Module:
    platform: Platform
    functions: tuple[Function, ...]
    globals: tuple[Decl, ...] = ()
    includes: tuple[str, ...] = ()
    pragmas: tuple[str, ...] = ()
    typedefs: tuple[tuple[str, Type], ...] = ()
    filename: str = field(default="<input>", compare=False)

    def function(self, name: str) -> Function | None:
        for f in self.functions:
            if f.name == name and f.body is not None:
                return f
        for f in self.functions:
            if f.name == name:
                return f
        return None

    @property
    def kernels(self) -> list[Function]:
        return [f for f in self.functions if f.kind is FuncKind.KERNEL and f.body is not None]

    @property
    def host_functions(self) -> list[Function]:
        return [f for f in self.functions if f.kind is FuncKind.HOST and f.body is not None]
