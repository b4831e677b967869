"""Detensorize x86 SIMD code: every <immintrin.h> intrinsic becomes its loop semantics.

Before: vnni-dialect statements with register values (__m512, __m512i, __m256i, ...) and
        intrinsic calls, possibly nested in expressions.
After:  no intrinsic calls and no register types. A register is a local array: float[16] for
        __m512 (float[8] / float[4] for __m256 / __m128, double[n] for the pd types) and raw bytes
        uint8_t[64 / 32 / 16] for __m512i / __m256i / __m128i, read and written per intrinsic
        through typed pointer casts (((int32_t*)v)[j]). Each call becomes the `semantics` snippet
        of its entry in xpiler/catalog/x86.toml with the arguments substituted for the
        parameters, tagged `#pragma xpiler region <name>`. Nested calls are evaluated into
        temporaries (`__v1`, `__r1`) first, in C's order; a result is written straight into its
        destination unless the snippet could read a lane the destination already overwrote.
        Masks (__mmask16 ...) are plain unsigned integers and stay.
"""
from __future__ import annotations

import dataclasses
import functools

import numpy as np

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.intrinsics import lookup
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import DType, I32, U32, Array, Pointer, Scalar, Type, VecKind, Vector, Void, scalar

REGION = "xpiler region"
PARALLEL = "omp parallel for"
# register spelling -> element type of its canonical array (integer registers: raw bytes)
REGISTERS = {"__m512": "float", "__m256": "float", "__m128": "float", "__m512d": "double",
             "__m256d": "double", "__m128d": "double", "__m512i": "uint8_t", "__m256i": "uint8_t",
             "__m128i": "uint8_t"}


def cannot(span, what: str, reason: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to the canonical form: {reason}")


# ---- types ----------------------------------------------------------------------------------
def is_register(t: Type) -> bool:
    return isinstance(t, Vector) and t.kind is VecKind.SIMD


def holds_registers(t: Type) -> bool:
    """A register, an array of registers or a pointer to one."""
    while isinstance(t, (Array, Pointer)):
        t = t.of if isinstance(t, Array) else t.to
    return is_register(t)


def register_array(t: Vector) -> Array:
    """The canonical array holding a register value."""
    if t.of.is_float:
        return Array(scalar(t.of), t.lanes)
    return Array(scalar(DType.U8), t.lanes * t.of.size)


def lower_type(t: Type) -> Type:
    """Register types replaced by their arrays (a pointer to a register points to its elements)."""
    if is_register(t):
        return register_array(t)
    if isinstance(t, Array):
        of = lower_type(t.of)
        return t if of is t.of else dataclasses.replace(t, of=of)
    if isinstance(t, Pointer):
        to = register_array(t.to).of if is_register(t.to) else lower_type(t.to)
        return t if to is t.to else dataclasses.replace(t, to=to)
    return t


def lower_types(node):
    """`node` with every type in it lowered (Var, Index, Cast, Decl, Param, ... )."""
    def fix(n):
        changes = {}
        for f in ("type", "of", "ret"):
            v = getattr(n, f, None)
            if isinstance(v, Type) and not isinstance(n, Type):
                lowered = lower_type(v)
                if lowered is not v:
                    changes[f] = lowered
        return dataclasses.replace(n, **changes) if changes else n
    return transform(node, fix)


def base_var(e: ir.Expr) -> str | None:
    """The variable an lvalue or pointer expression is rooted at (`acc` of `acc[v]`)."""
    while isinstance(e, (ir.Index, ir.Cast, ir.Member)):
        e = e.base if isinstance(e, (ir.Index, ir.Member)) else e.operand
    return e.name if isinstance(e, ir.Var) else None


# ---- templates: the catalog snippets, parsed once --------------------------------------------
@dataclasses.dataclass(frozen=True)
class Template:
    """An intrinsic's `semantics`, parsed as the body of `void __semantics(result, params...)`."""
    name: str
    params: tuple[tuple[str, str, Type], ...]     # (name, kind: reg/ptr/scalar, canonical type)
    result: str                                   # reg, scalar or void
    body: tuple[ir.Stmt, ...]
    locals: frozenset[str]                        # declared by the snippet: renamed `__<name>`


def is_intrinsic(name: str) -> bool:
    entry = lookup(name)
    return entry is not None and entry.family == "x86"


def _spell(ctype: str) -> tuple[str, str]:
    """(kind, C spelling in the snippet's function) of a catalog parameter type."""
    base = ctype.replace("const", "").replace("*", "").strip()
    if base in REGISTERS:
        if "*" in ctype:
            return "ptr", "const void*" if "const" in ctype else "void*"
        return "reg", REGISTERS[base] + "*"
    return ("ptr" if "*" in ctype else "scalar"), ctype


@functools.lru_cache(maxsize=None)
def semantics_function(name: str) -> ir.Function | None:
    """Intrinsic `name`'s `semantics` as a C function `__semantics_<name>`: `result` (unless it
    returns void), then its parameters, each register (value or result) a pointer to its lanes;
    None when its catalog entry has none."""
    entry = lookup(name)
    text = entry.data.get("semantics") if entry is not None else None
    if text is None:
        return None
    spelled = [f"{_spell(p.ctype)[1]} {p.name}" for p in entry.params]
    if entry.ret != "void":
        spelled.insert(0, f"{_spell(entry.ret)[1]} result")
    source = f"void __semantics_{name}({', '.join(spelled)}) {{\n{text}\n}}\n"
    return parse(source, f"<x86.toml: {name}>", "vnni").functions[0]


def memory_params(name: str) -> list[int]:
    """Indices (into the call's arguments) of intrinsic `name`'s parameters that point to memory
    (`const float* p`, `__m256i* p`), as opposed to register values."""
    entry = lookup(name)
    return [i for i, p in enumerate(entry.params) if _spell(p.ctype)[0] == "ptr"] if entry else []


@functools.lru_cache(maxsize=None)
def template(name: str) -> Template | None:
    """The parsed `semantics` of intrinsic `name`; None when its catalog entry has none."""
    fn = semantics_function(name)
    if fn is None:
        return None
    entry = lookup(name)
    params = [(p.name, _spell(p.ctype)[0]) for p in entry.params]
    rkind = _spell(entry.ret)[0] if entry.ret != "void" else "void"
    rkind = "scalar" if rkind == "ptr" else rkind
    types = {p.name: p.type for p in fn.params}
    body = fn.body.stmts
    local_names = frozenset(n.name for s in body for n in walk(s) if isinstance(n, ir.Decl))
    return Template(name, tuple((n, k, types[n]) for n, k in params), rkind, body, local_names)


def alias_safe(t: Template, param: str) -> bool:
    """May `result` be the very array passed for register parameter `param`? Yes when the snippet
    is one loop over lanes j whose iteration reads `param` and writes `result` only at lane j,
    through the same element type, and writes `result` last."""
    if len(t.body) != 1 or not isinstance(t.body[0], ir.For) or not t.body[0].init:
        return False
    loop = t.body[0]
    j = loop.init[0].name if isinstance(loop.init[0], ir.Decl) else None
    stmts = loop.body.stmts if isinstance(loop.body, ir.Block) else (loop.body,)
    uses = [n for n in walk(loop.body) if isinstance(n, ir.Var) and n.name in (param, "result")]
    at = [n for n in walk(loop.body) if isinstance(n, ir.Index) and base_var(n.base) in (param, "result")]
    if len(uses) != len(at) or any(not (isinstance(n.index, ir.Var) and n.index.name == j) for n in at):
        return False
    if len({n.type for n in at}) > 1:
        return False
    for s in stmts[:-1]:
        if any(isinstance(n, ir.Assign) and base_var(n.target) == "result" for n in walk(s)):
            return False
    return True


def _simplify(e):
    """Drop pointer casts that change nothing: `(const float*)(a + i)` of a float pointer."""
    if isinstance(e, ir.Cast) and isinstance(e.type, Pointer):
        src = e.operand.type
        elem = src.to if isinstance(src, Pointer) else src.of if isinstance(src, Array) else None
        if elem is not None and elem == e.type.to and (e.type.const or not getattr(src, "const", False)):
            return e.operand
    return e


SUFFIX = {DType.I32: "", DType.U32: "u", DType.I64: "ll", DType.U64: "ull"}


def convert(a: ir.Expr, t: Type) -> ir.Expr:
    """Argument `a` converted to parameter type `t` as a call converts it (a literal retyped)."""
    if a.type == t:
        return a
    if isinstance(a, ir.Const) and isinstance(a.value, int) and isinstance(t, Scalar) and t.dtype in SUFFIX:
        info = np.iinfo(t.dtype.np)
        if info.min <= a.value <= info.max:
            return ir.Const(a.value, t, f"{a.value}{SUFFIX[t.dtype]}", a.span)
    return ir.Cast(a, t, "c", a.span)


def instantiate(t: Template, args: dict[str, ir.Expr], span) -> list[ir.Stmt]:
    """The tagged region of one call: the snippet with `args` (including `result`) substituted."""
    renamed = {n: f"__{n}" for n in t.locals}
    clash = {n.name for a in args.values() for n in walk(a) if isinstance(n, ir.Var)} & set(renamed.values())
    if clash:
        raise cannot(span, t.name, f"the name '{clash.pop()}' is used by its semantics")

    def fix(n):
        if isinstance(n, ir.Var) and n.name in args:
            return args[n.name]
        if isinstance(n, (ir.Var, ir.Decl)) and n.name in renamed:
            n = dataclasses.replace(n, name=renamed[n.name])
        if isinstance(n, ir.Stmt) and getattr(n, "span", None) is not None and span is not None:
            n = dataclasses.replace(n, span=span)      # diagnostics point at the call, not the catalog
        return _simplify(n)
    stmts = [transform(s, fix) for s in t.body]
    region = stmts[0] if len(stmts) == 1 else ir.Block(tuple(stmts), span)
    return [ir.PragmaStmt(f"{REGION} {t.name}", span), region]


def copy_loop(dest: ir.Expr, src: ir.Expr, t: Vector, span) -> ir.For:
    """`dest = src` for registers of type `t`: element by element (integer registers by 32-bit word)."""
    elem = scalar(t.of) if t.of.is_float else U32
    n = t.lanes * t.of.size // elem.dtype.size
    j = ir.Var("__j", I32)

    def at(e):
        e = lower_types(e)
        if not t.of.is_float:
            e = ir.Cast(e, Pointer(elem), "c")
        return ir.Index(e, j, elem)
    return ir.For((ir.Decl("__j", I32, const(0)),), binary("<", j, const(n)), (ir.Assign(j, "+", const(1)),),
                  ir.Assign(at(dest), None, at(src), span), (PARALLEL,), span)


# ---- statements -----------------------------------------------------------------------------
class Detensorizer:
    """Rewrites one function body; temporaries are numbered per function."""

    def __init__(self):
        self.count = 0

    def run(self, body: ir.Block) -> ir.Block:
        return lower_types(ir.Block(tuple(self.stmts(body.stmts)), body.span))

    def stmts(self, stmts) -> list[ir.Stmt]:
        return [x for s in stmts for x in self.stmt(s)]

    def sub(self, s: ir.Stmt | None) -> ir.Stmt | None:
        if s is None:
            return None
        out = self.stmt(s)
        return out[0] if len(out) == 1 else ir.Block(tuple(out), s.span)

    def stmt(self, s: ir.Stmt) -> list[ir.Stmt]:
        pre: list[ir.Stmt] = []
        if isinstance(s, ir.Decl):
            return self.decl(s)
        if isinstance(s, ir.Assign):
            if is_register(s.target.type):
                if s.op is not None:
                    raise cannot(s.span, f"'{s.op}=' on {s.target.type.c()} values",
                                 "GCC vector arithmetic on registers is not supported, use intrinsics")
                self.store(self.value(s.target, pre), s.value, pre, s.span)
                return pre
            if s.op is None and isinstance(s.target, ir.Var) and self.direct(s.value):
                self.call(self.hoisted_args(s.value, pre), pre, s.target)
                return pre
            target = self.value(s.target, pre)
            return pre + [dataclasses.replace(s, target=target, value=self.value(s.value, pre))]
        if isinstance(s, ir.ExprStmt):
            e = s.expr
            if isinstance(e, ir.Call) and is_intrinsic(e.callee):
                self.call(self.hoisted_args(e, pre), pre, None)
                return pre
            return pre + [dataclasses.replace(s, expr=self.value(e, pre))]
        if isinstance(s, ir.Block):
            return [ir.Block(tuple(self.stmts(s.stmts)), s.span)]
        if isinstance(s, ir.If):
            cond = self.value(s.cond, pre)
            return pre + [ir.If(cond, self.sub(s.then), self.sub(s.other), s.span)]
        if isinstance(s, (ir.For, ir.While)):
            heads = [*getattr(s, "init", ()), *getattr(s, "step", ()), s.cond]
            for h in heads:
                if h is not None and any(isinstance(n, ir.Call) and is_intrinsic(n.callee) or
                                         isinstance(getattr(n, "type", None), Type) and
                                         holds_registers(n.type) for n in walk(h)):
                    raise cannot(s.span, "a loop header with registers or intrinsics",
                                 "a region cannot be evaluated at every test of a condition")
            return [dataclasses.replace(s, body=self.sub(s.body))]
        if isinstance(s, ir.Switch):
            value = self.value(s.value, pre)
            cases = tuple(ir.Case(c.values, tuple(self.stmts(c.body))) for c in s.cases)
            return pre + [ir.Switch(value, cases, s.span)]
        if isinstance(s, ir.Return) and s.value is not None:
            if holds_registers(s.value.type):
                raise cannot(s.span, f"returning a {s.value.type.c()} value", "only inlined helpers may")
            value = self.value(s.value, pre)
            return pre + [ir.Return(value, s.span)]
        return [s]

    def decl(self, s: ir.Decl) -> list[ir.Stmt]:
        pre: list[ir.Stmt] = []
        if holds_registers(s.type) and not isinstance(s.type, Pointer):
            if s.storage & {"static", "extern"}:
                raise cannot(s.span, f"the {' '.join(sorted(s.storage))} register variable '{s.name}'",
                             "registers become local arrays")
            if s.ctor_args is not None or (s.init is not None and not is_register(s.type)):
                raise cannot(s.span, f"the initialisation of the register array '{s.name}'",
                             "assign its elements with intrinsics")
            decl = ir.Decl(s.name, s.type, None, None, s.storage - {"const", "constexpr"}, s.space, s.span)
            if s.init is not None:
                pre.append(decl)
                self.store(ir.Var(s.name, s.type, s.span), s.init, pre, s.span)
                return pre
            return [decl]
        if s.init is not None and self.direct(s.init):
            call = self.hoisted_args(s.init, pre)
            storage = s.storage - {"const", "constexpr"}
            pre.append(ir.Decl(s.name, s.type, None, None, storage, s.space, s.span))
            self.call(call, pre, ir.Var(s.name, s.type, s.span))
            return pre
        init = self.value(s.init, pre) if s.init is not None else None
        ctor = tuple(self.value(a, pre) for a in s.ctor_args) if s.ctor_args is not None else None
        return pre + [dataclasses.replace(s, init=init, ctor_args=ctor)]

    def direct(self, e: ir.Expr) -> bool:
        """A scalar-valued intrinsic call that can write straight into a variable."""
        return isinstance(e, ir.Call) and is_intrinsic(e.callee) and not holds_registers(e.type) \
            and not isinstance(e.type, Void)

    def store(self, dest: ir.Expr, value: ir.Expr, pre: list, span) -> None:
        """`dest = value` for a register destination."""
        if isinstance(value, ir.Call) and is_intrinsic(value.callee):
            self.call(self.hoisted_args(value, pre), pre, dest)
            return
        if isinstance(value, (ir.Var, ir.Index)) and is_register(value.type):
            pre.append(copy_loop(dest, self.value(value, pre), value.type, span))
            return
        raise cannot(getattr(value, "span", None) or span, f"this {value.type.c()} expression",
                     "a register value must come from an intrinsic or a register variable "
                     "(GCC vector arithmetic and casts on registers are not supported)")

    def hoisted_args(self, call: ir.Call, pre: list) -> ir.Call:
        return dataclasses.replace(call, args=tuple(self.value(a, pre) for a in call.args))

    # ---- expressions --------------------------------------------------------------------------
    def value(self, e: ir.Expr, pre: list, lazy: bool = False) -> ir.Expr:
        """`e` with its intrinsic calls evaluated into temporaries appended to `pre`. `lazy`: `e`
        may not be evaluated (a branch of ?:, the right of && / ||), so nothing can be hoisted."""
        if isinstance(e, ir.Call) and is_intrinsic(e.callee):
            if lazy:
                raise cannot(e.span, e.callee, "it is in an operand of ?:, && or || that may not be "
                                                "evaluated, so it cannot be evaluated before the expression")
            return self.call(self.hoisted_args(e, pre), pre, None)
        if is_register(e.type) and not isinstance(e, (ir.Var, ir.Index)):
            raise cannot(e.span, f"this {e.type.c()} expression", "a register value must come from an "
                         "intrinsic or a register variable (GCC vector arithmetic and casts on registers "
                         "are not supported)")
        if isinstance(e, ir.AddressOf) and holds_registers(e.operand.type):
            raise cannot(e.span, "the address of a register variable", "registers become local arrays "
                                                                           "whose element type differs")
        if isinstance(e, ir.Ternary):
            return dataclasses.replace(e, cond=self.value(e.cond, pre, lazy),
                                       then=self.value(e.then, pre, True), other=self.value(e.other, pre, True))
        if isinstance(e, ir.Binary) and e.op in ("&&", "||"):
            return dataclasses.replace(e, left=self.value(e.left, pre, lazy),
                                       right=self.value(e.right, pre, True))
        changes = {}
        for f in dataclasses.fields(e):
            v = getattr(e, f.name)
            if isinstance(v, ir.Expr):
                nv = self.value(v, pre, lazy)
                if nv is not v:
                    changes[f.name] = nv
            elif isinstance(v, tuple) and any(isinstance(x, ir.Expr) for x in v):
                changes[f.name] = tuple(self.value(x, pre, lazy) if isinstance(x, ir.Expr) else x for x in v)
        return dataclasses.replace(e, **changes) if changes else e

    def temp(self, prefix: str, t: Type, pre: list, span) -> ir.Var:
        self.count += 1
        name = f"__{prefix}{self.count}"
        pre.append(ir.Decl(name, t, None, span=span))
        return ir.Var(name, t, span)

    def bind(self, a: ir.Expr, t: Type, pre: list) -> ir.Expr:
        """An argument substituted as is when evaluating it again changes nothing, else a temporary."""
        if not any(isinstance(n, ir.Call) for n in walk(a)):
            return a
        self.count += 1
        name = f"__a{self.count}"
        pre.append(ir.Decl(name, t, a, span=a.span))
        return ir.Var(name, t, a.span)

    def call(self, call: ir.Call, pre: list, dest: ir.Expr | None) -> ir.Expr | None:
        """Emit the region of an intrinsic call whose arguments are already hoisted; its value."""
        t = template(call.callee)
        if t is None:
            raise cannot(call.span, call.callee, "it has no loop semantics in xpiler/catalog/x86.toml yet")
        if len(call.args) != len(t.params):
            raise XpilerError(call.span, f"{call.callee} takes {len(t.params)} arguments, "
                                         f"got {len(call.args)}")
        args: dict[str, ir.Expr] = {}
        for (name, kind, ptype), a in zip(t.params, call.args):
            if kind == "reg":
                if not (isinstance(a, (ir.Var, ir.Index)) and is_register(a.type)):
                    raise cannot(a.span or call.span, f"this argument of {call.callee}",
                                 "a register argument must be a register variable or an intrinsic")
                args[name] = lower_types(a)
            elif kind == "ptr":
                a = lower_types(a)
                args[name] = self.bind(a, a.type, pre)
            else:
                args[name] = self.bind(convert(a, ptype), ptype, pre)
        copy_to = None
        if t.result == "reg":
            if dest is not None and any(kind == "reg" and base_var(args[name]) == base_var(dest)
                                        and not alias_safe(t, name) for name, kind, _ in t.params):
                copy_to, dest = dest, None
            if dest is None:
                dest = self.temp("v", call.type, pre, call.span)
            args["result"] = lower_types(dest)
        elif t.result == "scalar":
            if dest is None:
                dest = self.temp("r", call.type, pre, call.span)
            args["result"] = dest
        pre.extend(instantiate(t, args, call.span))
        if copy_to is not None:
            self.store(copy_to, dest, pre, call.span)
            return copy_to
        return dest


def detensorize(fn: ir.Function) -> ir.Function:
    """`fn` with its intrinsics replaced by their loop semantics and its types lowered."""
    for p in fn.params:
        if holds_registers(p.type) and not isinstance(p.type, Pointer):
            raise cannot(p.span or fn.span, f"the {p.type.c()} parameter '{p.name}' of '{fn.name}'",
                         "a function taking registers must be inlined")
    if holds_registers(fn.ret):
        raise cannot(fn.span, f"'{fn.name}' returning {fn.ret.c()}",
                     "a function returning registers must be inlined")
    body = Detensorizer().run(fn.body)
    return dataclasses.replace(fn, body=body, params=tuple(lower_types(p) for p in fn.params))

