"""Dependence analysis of `for` loops, and `parallelize`, the pass that marks the independent ones.

`analyze(fn, module)` gives, for each `for` loop of a function (pre-order), one of
  PARALLEL   no iteration reads or writes a memory location another iteration writes, and every
             scalar declared before the loop that the body writes is private to an iteration (set
             before it is read, and not read after the loop);
  REDUCTION  the same, except for scalar accumulators updated with one associative operator
             (`s += e`, `s = s * e`, `s = fmaxf(s, e)`, `s = s > e ? s : e`, min/max, & | ^);
             the variables and operators are recorded; such a loop stays serial for now;
  SERIAL     with the reason: the conflicting pair of accesses (with file:line and an example pair
             of iterations), or the construct that stops the proof.

How PARALLEL is proven. The function is executed symbolically once. Integer scalars are z3 terms
over the integer parameters, loop counters and fresh symbols (a fresh symbol stands for a value the
analysis does not follow: a load, a float converted to int, an unknown bit trick; it is "some
value", so a formula about it never proves more than holds). Pointers are (object, offset), the
object a pointer parameter, a global, a local array or an allocation, followed through arithmetic
and casts (`float* row = out + i * n;` is `out` at `i * n`). Each load and store inside a loop is an
access (object, offset, width, condition); the condition holds the enclosing `if` guards and, per
enclosing loop, `v = start + step * t, t >= 0, cond(v)` (t numbers the iterations). Variables a loop
body assigns get fresh symbols at the body's entry, owned by that loop. For a loop L and two
accesses to one object, one of them a store, z3 looks for two iterations t1 != t2 of L (symbols
owned by L renamed apart, the others shared) in which the byte ranges overlap; unsat for every
pair is the proof. A query has QUERY_MS milliseconds; unknown is no proof. Two helps for z3's
nonlinear arithmetic, both exact: an integer set outside all loops from others (`OH = H - KH + 1`)
is a symbol of its own with its definition; and an undecided `A1*p + B1 == A2*p + B2` (flattened
indices) becomes `A1 == A2 and B1 == B2` once 0 <= B < p is proven for each side.

Calls: math functions of the catalog (without pointer arguments) and the CUDA/HIP vector
constructors (`make_float4`) are pure; `memcpy`/`memset` are
accesses of the byte ranges they touch; a helper of the module is summarised once (its accesses in
terms of its parameters, its integer result when its only `return` ends it) and instantiated at
each call; anything else stops the proof.

Assumptions: distinct pointer parameters do not overlap one another or the module's globals (every
GPU port assumes so too; the proof text says it); index arithmetic does not overflow (z3 integers
are unbounded). Integer parameters are taken as non-negative only where a proof needs it, and the
proof then says so.

What makes a loop SERIAL besides a conflict: a store through a pointer whose object is unknown, a
load through one while the loop stores; a call of something the analysis does not know; an
allocation or `free`; taking the address of a scalar; `break` out of the loop or `return` inside
it; a header without a counter stepped by a loop-invariant amount that the body leaves alone; a
scalar carrying a value between iterations, or keeping the last iteration's value for code after
the loop.

`parallelize(module)` applies the analysis to the C entry functions (vnni, `extern "C"`) that have
no OpenMP pragma, and marks loops with the canonical parallel marker "omp parallel for"
(docs/canonical.md §3) where every consumer of the marker takes them: see `parallelize`.
"""
from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import z3

from . import ir
from .constfold import fold
from .intrinsics import lookup
from .irutil import child_statements, transform, walk
from .printer import Printer
from .types import Array, DType, Pointer, Scalar, Type, Vector, sizeof

PARALLEL = "omp parallel for"        # the canonical parallel marker (docs/canonical.md §3)
QUERY_MS = 300                       # z3 time per query; an undecided query is no proof
PAIR_RETRIES = 40                    # pairwise queries after an undecided combined one
ALLOCATORS = {"malloc", "calloc", "aligned_alloc", "realloc"}
COPIES = {"memcpy", "memmove", "memset"}
INT_MATH = {"min": "min", "std::min": "min", "max": "max", "std::max": "max", "abs": "abs", "std::abs": "abs"}
REDUCE_CALLS = {"fmaxf": "max", "fmax": "max", "max": "max", "std::max": "max",
                "fminf": "min", "fmin": "min", "min": "min", "std::min": "min"}
SEP = "@"                            # analysis-only names of locals: name@k, unique per function
ROOT = 0                             # the pseudo-loop of a helper's body: one call


class Kind(Enum):
    PARALLEL = "parallel"
    REDUCTION = "reduction"
    SERIAL = "serial"


@dataclass(frozen=True)
class Reduction:
    var: str
    op: str                          # + * max min & | ^


@dataclass(frozen=True)
class LoopResult:
    """What `analyze` found for one loop; `loop` is the node as given."""
    loop: ir.For
    counter: str | None
    where: str                       # file:line
    kind: Kind
    reason: str                      # the proof, or why not
    reductions: tuple[Reduction, ...] = ()
    private: tuple[tuple[str, Type], ...] = ()      # declared before the loop, private to an iteration
    blocked: str | None = None       # why a PARALLEL loop cannot take the marker
    counter_type: Type | None = None  # of a counter declared before the loop
    outer_locals: tuple[str, ...] = ()  # local arrays and pointers declared before the loop that it
                                        # uses (a device kernel cannot take them: see parallelize)

    def text(self) -> str:
        return f"loop {self.counter or '?'} at {self.where}: {self.kind.value} ({self.reason})"


def analyze(fn: ir.Function, module: ir.Module | None = None) -> list[LoopResult]:
    """One result per `for` loop of `fn`, in pre-order (outer loops before the loops inside)."""
    if fn.body is None:
        return []
    renamed = _rename(fn)
    walker = _Walker(module, renamed, {})
    walker.run()
    judge = _Judge(walker, renamed)
    return [judge.loop(given, loop) for given, loop in zip(_fors(fn.body), _fors(renamed.body))]


# ---- unique names --------------------------------------------------------------------------------

def _plain(name: str) -> str:
    return name.split(SEP)[0]


def _rename(fn: ir.Function) -> ir.Function:
    """`fn` with each local declaration renamed `name@k`, so that a name means one variable."""
    counts: dict[str, int] = {}
    scopes: list[dict[str, str]] = [{}]

    def look(name: str) -> str:
        return next((s[name] for s in reversed(scopes) if name in s), name)

    def ex(e):
        if e is None:
            return None
        return transform(e, lambda n: dataclasses.replace(n, name=look(n.name)) if isinstance(n, ir.Var) else n)

    def scoped(s):
        scopes.append({})
        try:
            return st(s)
        finally:
            scopes.pop()

    def st(s):
        if isinstance(s, ir.Block):
            return dataclasses.replace(s, stmts=tuple(scoped_list(s.stmts)))
        if isinstance(s, ir.Decl):
            init, ctor = ex(s.init), tuple(ex(a) for a in s.ctor_args) if s.ctor_args is not None else None
            k = counts[s.name] = counts.get(s.name, 0) + 1
            scopes[-1][s.name] = f"{s.name}{SEP}{k}"
            return dataclasses.replace(s, name=scopes[-1][s.name], init=init, ctor_args=ctor)
        if isinstance(s, ir.Assign):
            return dataclasses.replace(s, target=ex(s.target), value=ex(s.value))
        if isinstance(s, ir.ExprStmt):
            return dataclasses.replace(s, expr=ex(s.expr))
        if isinstance(s, ir.Return):
            return dataclasses.replace(s, value=ex(s.value))
        if isinstance(s, ir.If):
            return dataclasses.replace(s, cond=ex(s.cond), then=scoped(s.then),
                                       other=scoped(s.other) if s.other is not None else None)
        if isinstance(s, ir.For):
            scopes.append({})
            try:
                init = tuple(st(x) for x in s.init)
                return dataclasses.replace(s, init=init, cond=ex(s.cond), step=tuple(st(x) for x in s.step),
                                           body=scoped(s.body))
            finally:
                scopes.pop()
        if isinstance(s, ir.While):
            return dataclasses.replace(s, cond=ex(s.cond), body=scoped(s.body))
        if isinstance(s, ir.Switch):
            return dataclasses.replace(s, value=ex(s.value), cases=tuple(
                ir.Case(tuple(ex(v) for v in c.values), tuple(scoped_list(c.body))) for c in s.cases))
        return s

    def scoped_list(stmts):
        scopes.append({})
        try:
            return [st(x) for x in stmts]
        finally:
            scopes.pop()
    return dataclasses.replace(fn, body=st(fn.body))


def _fors(s) -> list[ir.For]:
    """The `for` statements under `s` in pre-order (the same order for a tree and its renaming)."""
    out: list[ir.For] = []

    def go(x):
        if isinstance(x, ir.Block):
            for y in x.stmts:
                go(y)
        elif isinstance(x, ir.If):
            go(x.then)
            if x.other is not None:
                go(x.other)
        elif isinstance(x, ir.For):
            out.append(x)
            go(x.body)
        elif isinstance(x, ir.While):
            go(x.body)
        elif isinstance(x, ir.Switch):
            for c in x.cases:
                for y in c.body:
                    go(y)
    go(s)
    return out


# ---- small facts about statements ----------------------------------------------------------------

def _int_type(t) -> bool:
    return isinstance(t, Scalar) and t.dtype.is_int


def _lvalue_var(e: ir.Expr) -> str | None:
    """The variable a register lvalue (`v`, `v.x`, `v[i]` of a vector) belongs to."""
    while isinstance(e, (ir.Member, ir.Index)) and not isinstance(e.base.type, (Pointer, Array)):
        e = e.base
    return e.name if isinstance(e, ir.Var) and not isinstance(e.type, Array) else None


def _assigned(stmts) -> set[str]:
    """Names of the variables the statements assign (wholly or in part)."""
    out = set()
    for s in stmts:
        for n in walk(s) if s is not None else ():
            if isinstance(n, ir.Assign):
                v = _lvalue_var(n.target)
                if v is not None:
                    out.add(v)
    return out


def _declared(s) -> set[str]:
    return {n.name for n in walk(s) if isinstance(n, ir.Decl)}


def _reads(e, names) -> list[ir.Var]:
    return [n for n in walk(e) if isinstance(n, ir.Var) and n.name in names] if e is not None else []


def _escaping_jumps(s, in_loop=False, in_switch=False) -> bool:
    """Whether `s` holds a `break` or `continue` that leaves it."""
    if isinstance(s, ir.Break):
        return not (in_loop or in_switch)
    if isinstance(s, ir.Continue):
        return not in_loop
    if isinstance(s, (ir.For, ir.While)):
        return _escaping_jumps(s.body, True, in_switch)
    if isinstance(s, ir.Switch):
        return any(_escaping_jumps(x, in_loop, True) for c in s.cases for x in c.body)
    if isinstance(s, ir.Block):
        return any(_escaping_jumps(x, in_loop, in_switch) for x in s.stmts)
    if isinstance(s, ir.If):
        return _escaping_jumps(s.then, in_loop, in_switch) or \
            (s.other is not None and _escaping_jumps(s.other, in_loop, in_switch))
    return False


class _MustAssign:
    """Reads of `names` not preceded, on every path, by an assignment of the whole variable."""

    def __init__(self, names: set[str]):
        self.names = names
        self.exposed: dict[str, ir.Var] = {}

    def read(self, e, assigned: set[str]) -> None:
        for n in _reads(e, self.names):
            if n.name not in assigned:
                self.exposed.setdefault(n.name, n)

    def seq(self, stmts, assigned: set[str]) -> set[str]:
        for s in stmts:
            assigned = self.stmt(s, assigned)
        return assigned

    def stmt(self, s, assigned: set[str]) -> set[str]:
        if isinstance(s, ir.Block):
            return self.seq(s.stmts, assigned)
        if isinstance(s, ir.Assign):
            if isinstance(s.target, ir.Var):
                if s.op is not None:
                    self.read(s.target, assigned)
                self.read(s.value, assigned)
                return assigned | {s.target.name}
            self.read(s.target, assigned)       # a part of a register is a read of the rest
            self.read(s.value, assigned)
            return assigned
        if isinstance(s, ir.If):
            self.read(s.cond, assigned)
            a = self.stmt(s.then, set(assigned))
            b = self.stmt(s.other, set(assigned)) if s.other is not None else assigned
            return a & b
        if isinstance(s, ir.For):
            assigned = self.seq(s.init, assigned)
            self.read(s.cond, assigned)
            after = self.stmt(s.body, set(assigned))
            self.seq(s.step, after)
            return assigned
        if isinstance(s, ir.While):
            if not s.do_while:
                self.read(s.cond, assigned)
            after = self.stmt(s.body, set(assigned))
            if s.do_while:
                self.read(s.cond, after)
                return after
            return assigned
        if isinstance(s, ir.Switch):
            self.read(s.value, assigned)
            for c in s.cases:
                self.seq(c.body, set(assigned))
            return assigned
        for f in dataclasses.fields(s):                # Decl, ExprStmt, Return, ...
            for v in (lambda x: x if isinstance(x, tuple) else (x,))(getattr(s, f.name)):
                if isinstance(v, ir.Expr):
                    self.read(v, assigned)
        return assigned


def _path(s, target, out: list) -> bool:
    """Fill `out` with (container, statement list, index) from `s` down to `target`."""
    seqs = []
    if isinstance(s, ir.Block):
        seqs = [list(s.stmts)]
    elif isinstance(s, ir.If):
        seqs = [[s.then]] + ([[s.other]] if s.other is not None else [])
    elif isinstance(s, (ir.For, ir.While)):
        seqs = [[s.body]]
    elif isinstance(s, ir.Switch):
        seqs = [list(c.body) for c in s.cases]
    for seq in seqs:
        for i, x in enumerate(seq):
            if x is target:
                out.append((s, seq, i))
                return True
            out.append((s, seq, i))
            if _path(x, target, out):
                return True
            out.pop()
    return False


def _live_after(body: ir.Block, target: ir.For, name: str) -> ir.Var | None:
    """A read that may see the value `name` has when `target` ends (None: there is none)."""
    path: list = []
    if not _path(body, target, path):
        return None
    for container, seq, i in reversed(path):
        rest = seq[i + 1:]
        if isinstance(container, ir.Switch):          # later cases may follow (fall-through)
            found = [r for r in _reads(container, {name}) if not _inside(r, target)]
            if found:
                return found[0]
            continue
        check = _MustAssign({name})
        end = check.seq(rest, set())
        if name in check.exposed:
            return check.exposed[name]
        if name in end and not any(_escaping_jumps(x) for x in rest):
            return None                                # overwritten before any read
        if isinstance(container, (ir.For, ir.While)):  # the next iteration of the container
            again = _MustAssign({name})
            heads = list(container.step) if isinstance(container, ir.For) else []
            after = again.seq(heads, set())
            again.read(container.cond, after)
            again.stmt(container.body, after)
            if name in again.exposed:
                return again.exposed[name]
    return None


def _inside(node, tree) -> bool:
    return any(n is node for n in walk(tree))


def _single(s):
    while isinstance(s, ir.Block) and len(s.stmts) == 1:
        s = s.stmts[0]
    return s


def _where(span, fallback: str = "?") -> str:
    if span is None:
        return fallback
    return f"{Path(span.filename).name}:{span.line}"


class _Show(Printer):
    def expr_Var(self, e: ir.Var):
        return _plain(e.name), 99


def _show(e) -> str:
    try:
        return _Show().expr(e)
    except Exception:                                  # a node the printer cannot spell
        return type(e).__name__


# ---- symbolic execution --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Obj:
    """A memory object: a pointer parameter, a global, a local array, an allocation."""
    key: str
    label: str
    owners: tuple[int, ...] = ()     # loops it was created in: a new object in each iteration of each
    param: bool = False


@dataclass(frozen=True)
class _Ptr:
    obj: _Obj | None                 # None: the object is unknown
    off: object | None               # z3 term, in units of `unit` bytes; None: unknown
    unit: int = 1


UNKNOWN = _Ptr(None, None)


@dataclass(frozen=True)
class _Access:
    obj: _Obj | None
    off: object | None
    unit: int
    width: object | None             # bytes: int, z3 term, or None (unknown)
    write: bool
    cond: tuple                      # z3 booleans that hold when it happens
    loops: tuple[int, ...]           # the enclosing loops, outermost first
    span: object
    text: str


@dataclass(frozen=True)
class _Problem:
    loops: tuple[int, ...]
    message: str
    span: object
    effect: bool                     # an effect (callers inherit it), not a jump


@dataclass
class _Facts:
    node: ir.For | None
    counter: str | None              # the counter (renamed) when the header has one
    value: object | None             # its z3 value in an iteration: start + step * t
    t: object | None = None          # the iteration's number


@dataclass
class _Summary:
    """A helper's accesses in terms of its parameters (objects `arg:k`, symbols `params`)."""
    params: list
    symbols: list
    accesses: list
    problem: str | None
    result: object | None = None     # the integer it returns, when its only return ends its body


def _unit(t) -> int:
    while isinstance(t, Array):
        t = t.of
    return sizeof(t) or 1


def _as_int(v):
    if isinstance(v, z3.BoolRef):
        return z3.If(v, z3.IntVal(1), z3.IntVal(0))
    return v if isinstance(v, z3.ArithRef) else None


def _as_bool(v):
    if isinstance(v, z3.BoolRef):
        return v
    return v != 0 if isinstance(v, z3.ArithRef) else None


def _scale(t, c: int):
    return t if c == 1 else t * c


def _rebase(p: _Ptr, unit: int):
    """The offset of `p` in units of `unit` (which divides p.unit)."""
    return _scale(p.off, p.unit // unit)


def _int_op(op: str, x, y, right: ir.Expr):
    c = fold(right)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    if op in ("/", "%"):                               # C truncates toward zero
        if isinstance(c, int) and c > 0:
            q = z3.If(x >= 0, x / c, -((-x) / c))
        else:
            q = z3.If(x >= 0, z3.If(y > 0, x / y, -(x / -y)), z3.If(y > 0, -((-x) / y), (-x) / (-y)))
        return q if op == "/" else x - y * q
    if op == "<<" and isinstance(c, int) and 0 <= c < 62:
        return x * (1 << c)
    if op == ">>" and isinstance(c, int) and 0 <= c < 62:
        return x / (1 << c)                            # floor, as an arithmetic shift
    if op == "&" and isinstance(c, int) and c >= 0 and c & (c + 1) == 0:
        return x % (c + 1)                             # two's complement: the low bits, non-negative
    return None


CMP = {"<": lambda a, b: a < b, "<=": lambda a, b: a <= b, ">": lambda a, b: a > b,
       ">=": lambda a, b: a >= b, "==": lambda a, b: a == b, "!=": lambda a, b: a != b}


class _Walker:
    """One symbolic execution of a function (module docstring): accesses, problems, loop facts."""

    def __init__(self, module: ir.Module | None, fn: ir.Function, summaries: dict, helper: bool = False):
        self.module, self.fn, self.summaries, self.helper = module, fn, summaries, helper
        self.stack: list[int] = [ROOT] if helper else []      # enclosing loops (for and while)
        self.breakable: list[int | None] = []                 # loops and switches (None)
        self.guards: list = []
        self.loop_conds: dict[int, list] = {}
        self.facts: dict[int, _Facts] = {}
        self.loop_ids: dict[int, int] = {}                    # id(For node) -> loop id
        self.accesses: list[_Access] = []
        self.problems: list[_Problem] = []
        self.env: dict[str, object] = {}
        self.types: dict[str, Type] = {}
        self.statics: dict[str, _Obj] = {}                   # scalars that live in memory
        self.symbols: dict[str, object] = {}
        self.owners: dict[str, tuple[int, ...]] = {}
        self.params: list = []                               # symbols of integer parameters
        self.param_syms: list = []                           # per parameter: its symbol or None
        self.defs: list = []                                 # `sym == value` of names set outside loops
        self.returned: list = []                             # values of `return` statements
        self.exit_facts: list = []                           # (loop stack, fact) after a loop: exit_fact
        self.count = 0

    # ---- bookkeeping ----------------------------------------------------------------------------
    def run(self) -> None:
        for g in self.module.globals if self.module is not None else ():
            self.global_(g)
        for k, p in enumerate(self.fn.params):
            self.types[p.name] = p.type
            sym = None
            if isinstance(p.type, Pointer):
                key = f"arg:{k}" if self.helper else f"param:{p.name}"
                self.env[p.name] = _Ptr(_Obj(key, p.name, (), True), z3.IntVal(0), _unit(p.type.to))
            elif _int_type(p.type):
                sym = z3.Int(f"{p.name}!param")
                self.env[p.name] = sym
                self.params.append(sym)
            self.param_syms.append(sym)
        self.stmt(self.fn.body)

    def global_(self, g: ir.Decl) -> None:
        self.types[g.name] = g.type
        value = fold(g.init) if g.init is not None else None
        if isinstance(g.type, Array):
            self.env[g.name] = _Ptr(_Obj(f"global:{g.name}", g.name), z3.IntVal(0), _unit(g.type))
        elif _int_type(g.type) and g.storage & {"const", "constexpr"} and isinstance(value, int):
            self.env[g.name] = z3.IntVal(value)
        elif isinstance(g.type, Pointer):
            self.env[g.name] = UNKNOWN
        else:
            self.statics[g.name] = _Obj(f"global:{g.name}", g.name)

    def fresh(self, hint: str = "v"):
        self.count += 1
        name = f"{hint}!{self.count}"
        self.symbols[name] = z3.Int(name)
        self.owners[name] = tuple(self.stack)
        return self.symbols[name]

    def some(self, t):
        """Some value of type `t` (a fresh symbol for integers)."""
        return self.fresh() if _int_type(t) else UNKNOWN if isinstance(t, Pointer) else None

    def context(self) -> tuple:
        stack = tuple(self.stack)
        return tuple(self.guards) + tuple(c for lid in self.stack for c in self.loop_conds.get(lid, ())) + \
            tuple(f for where, f in self.exit_facts if stack[:len(where)] == where)

    def problem(self, message: str, span, effect: bool = True, loops=None) -> None:
        loops = tuple(self.stack) if loops is None else tuple(loops)
        if loops:
            self.problems.append(_Problem(loops, message, span, effect))

    def access(self, ptr, width, write: bool, node, text: str | None = None) -> None:
        if not self.stack:
            return
        p = ptr if isinstance(ptr, _Ptr) else UNKNOWN
        self.accesses.append(_Access(p.obj, p.off if p.obj is not None else None, p.unit, width, write,
                                     self.context(), tuple(self.stack), getattr(node, "span", None),
                                     text or _show(node)))

    def coerce(self, value, t):
        if _int_type(t):
            v = _as_int(value)
            return v if v is not None else self.fresh()
        if isinstance(t, (Pointer, Array)):
            return value if isinstance(value, _Ptr) else UNKNOWN
        return None

    def havoc(self, names, stmts) -> None:
        """Values the statements `stmts` (a loop's, a switch's) may have changed become unknown."""
        for n in names:
            if n in self.statics:
                continue
            old, t = self.env.get(n), self.types.get(n)
            if isinstance(old, _Ptr) or isinstance(t, Pointer):
                keep = isinstance(old, _Ptr) and old.obj is not None and _moves_within(stmts, n)
                self.env[n] = _Ptr(old.obj, None, old.unit) if keep else UNKNOWN
            elif _int_type(t):
                self.env[n] = self.fresh()
            else:
                self.env[n] = None

    def offset(self, p, k, size) -> _Ptr:
        """`p + k` elements of `size` bytes."""
        if not isinstance(p, _Ptr) or p.obj is None:
            return UNKNOWN
        if p.off is None or k is None or not size:
            return _Ptr(p.obj, None, p.unit)
        g = math.gcd(p.unit, size)
        return _Ptr(p.obj, _rebase(p, g) + _scale(k, size // g), g)

    # ---- statements ------------------------------------------------------------------------------
    def stmt(self, s) -> None:
        if s is not None:
            getattr(self, "s_" + type(s).__name__, self.s_other)(s)

    def s_Block(self, s: ir.Block) -> None:
        for x in s.stmts:
            self.stmt(x)

    def s_Decl(self, s: ir.Decl) -> None:
        self.types[s.name] = s.type
        if "static" in s.storage:                      # one object for every call and iteration
            obj = _Obj(f"static:{self.fn.name}.{s.name}", _plain(s.name))
            if isinstance(s.type, Array):
                self.env[s.name] = _Ptr(obj, z3.IntVal(0), _unit(s.type))
            else:
                self.statics[s.name] = obj
            return
        for a in s.ctor_args or ():
            self.ev(a)
        value = self.ev(s.init) if s.init is not None else None
        if isinstance(s.type, Array):
            self.env[s.name] = _Ptr(_Obj(f"local:{s.name}", _plain(s.name), tuple(self.stack)), z3.IntVal(0),
                                    _unit(s.type))
        else:
            self.env[s.name] = self.named(s.name, self.coerce(value, s.type))

    def named(self, name: str, value):
        """Outside loops, an integer computed from others (`OH = H - KH + 1`) is a symbol of its own
        with its definition (in `defs`, part of every query): a stride the delinearisation can use."""
        if self.stack or not isinstance(value, z3.ArithRef) or z3.is_const(value) or z3.is_int_value(value):
            return value
        sym = self.fresh(_plain(name))
        self.defs.append(sym == value)
        return sym

    def s_Assign(self, s: ir.Assign) -> None:
        t = s.target
        if isinstance(t, ir.Var) and t.name not in self.statics and not isinstance(t.type, Array):
            value = self.ev(s.value)
            if s.op is not None:
                value = self.update(s.op, self.env.get(t.name), value, t.type, s.value)
            self.env[t.name] = self.named(t.name, self.coerce(value, self.types.get(t.name, t.type)))
            return
        ptr, width = self.address(t)
        self.ev(s.value)
        if ptr is None:                                # a part of a register
            name = _lvalue_var(t)
            if name is not None:
                self.env[name] = self.some(self.types.get(name))
            return
        if s.op is not None:
            self.access(ptr, width, False, t)
        self.access(ptr, width, True, t)

    def update(self, op, old, value, t, right: ir.Expr):
        if isinstance(old, _Ptr) and op in "+-":
            k = _as_int(value)
            return self.offset(old, -k if op == "-" and k is not None else k, sizeof(t.to))
        x, y = _as_int(old), _as_int(value)
        if _int_type(t) and x is not None and y is not None:
            return _int_op(op, x, y, right)
        return None

    def s_ExprStmt(self, s: ir.ExprStmt) -> None:
        self.ev(s.expr)

    def s_If(self, s: ir.If) -> None:
        weak, exact = self.cond(s.cond)
        before = dict(self.env)
        self.branch(s.then, weak)
        then_env, self.env = self.env, dict(before)
        if s.other is not None:
            self.branch(s.other, z3.Not(exact) if exact is not None else None)
        self.env = self.join(then_env, self.env, exact)

    def branch(self, s, guard) -> None:
        if guard is not None:
            self.guards.append(guard)
        try:
            self.stmt(s)
        finally:
            if guard is not None:
                self.guards.pop()

    def join(self, a: dict, b: dict, c):
        out = {}
        for k in a.keys() & b.keys():
            x, y = a[k], b[k]
            if x is y or (isinstance(x, z3.ExprRef) and isinstance(y, z3.ExprRef) and x.eq(y)):
                out[k] = x
            elif isinstance(x, z3.ArithRef) and isinstance(y, z3.ArithRef):
                out[k] = z3.If(c, x, y) if c is not None else self.fresh()
            elif isinstance(x, _Ptr) and isinstance(y, _Ptr) and x.obj is not None and x.obj == y.obj:
                g = math.gcd(x.unit, y.unit)
                known = c is not None and x.off is not None and y.off is not None
                out[k] = _Ptr(x.obj, z3.If(c, _rebase(x, g), _rebase(y, g)) if known else None, g)
            elif isinstance(x, _Ptr) or isinstance(y, _Ptr):
                out[k] = UNKNOWN
            else:
                out[k] = None
        return out

    def cond(self, e):
        """(a condition implied by `e`, `e` exactly or None), each loaded value read once."""
        if isinstance(e, ir.Binary) and e.op in ("&&", "||"):
            (wl, xl), (wr, xr) = self.cond(e.left), self.cond(e.right)
            both = z3.And if e.op == "&&" else z3.Or
            exact = both(xl, xr) if xl is not None and xr is not None else None
            if e.op == "&&":
                parts = [w for w in (wl, wr) if w is not None]
                weak = z3.And(*parts) if len(parts) > 1 else parts[0] if parts else None
            else:
                weak = z3.Or(wl, wr) if wl is not None and wr is not None else None
            return weak, exact
        if isinstance(e, ir.Unary) and e.op == "!":
            _, x = self.cond(e.operand)
            x = z3.Not(x) if x is not None else None
            return x, x
        x = _as_bool(self.ev(e))
        return x, x

    def s_For(self, s: ir.For) -> None:
        for x in s.init:
            self.stmt(x)
        lid = len(self.facts) + 1
        self.loop_ids[id(s)] = lid
        changed = _assigned([s.body, *s.step])
        counter, amount = _counter(s)
        start = _as_int(self.env.get(counter)) if counter is not None else None
        step = _as_int(self.ev(amount)) if amount is not None else None
        self.enter(lid, changed, [s.body, *s.step])
        value = None
        if counter is not None and step is not None:
            start = start if start is not None else self.fresh()
            t = self.fresh("t")
            value = start + step * t
            self.env[counter] = value
            self.loop_conds[lid] = [t >= 0]
        else:
            counter = None
        if s.cond is not None:
            weak, _ = self.cond(s.cond)
            if weak is not None:
                self.loop_conds.setdefault(lid, []).append(weak)
        self.facts[lid] = _Facts(s, counter, value, t if counter is not None else None)
        self.stmt(s.body)
        for x in s.step:
            self.stmt(x)
        self.leave(changed, [s.body, *s.step])
        if counter is not None:
            self.exit_fact(s, counter, start, step)

    def exit_fact(self, s: ir.For, counter: str, start, step) -> None:
        """What holds of a counter after its loop (no `break`): it moved from its start in the
        step's direction, and the condition fails for it. `for (; j + 8 <= nb; j += 8)` leaves
        `j >= 0` (from 0) and `j + 8 > nb`, which bounds a tail loop `for (; j < nb; ++j)`.
        The fact joins the context of every later access in the enclosing loops."""
        if not (z3.is_int_value(step) and step.as_long() != 0) or any(isinstance(n, ir.Break) for n in walk(s.body)):
            return
        x = self.env.get(counter)
        if not isinstance(x, z3.ArithRef) or s.cond is None:
            return
        _, failed = self.cond(s.cond)
        parts = [x >= start if step.as_long() > 0 else x <= start]
        if failed is not None:
            parts.append(z3.Not(failed))
        self.exit_facts.append((tuple(self.stack), z3.And(*parts)))

    def enter(self, lid: int, changed: set, stmts) -> None:
        self.stack.append(lid)
        self.breakable.append(lid)
        self.havoc(changed, stmts)

    def leave(self, changed: set, stmts) -> None:
        self.stack.pop()
        self.breakable.pop()
        self.havoc(changed, stmts)

    def s_While(self, s: ir.While) -> None:
        lid = -(len(self.facts) + 1)
        self.facts[lid] = _Facts(None, None, None)
        changed = _assigned([s.body])
        self.enter(lid, changed, [s.body])
        if not s.do_while:
            weak, _ = self.cond(s.cond)
            self.loop_conds[lid] = [weak] if weak is not None else []
        self.stmt(s.body)
        if s.do_while:
            self.ev(s.cond)
        self.leave(changed, [s.body])

    def s_Switch(self, s: ir.Switch) -> None:
        self.ev(s.value)
        stmts = [x for c in s.cases for x in c.body]
        before = dict(self.env)
        self.breakable.append(None)
        for c in s.cases:
            self.env = dict(before)
            for x in c.body:
                self.stmt(x)
        self.breakable.pop()
        self.env = before
        self.havoc(_assigned(stmts), stmts)

    def s_Break(self, s) -> None:
        if self.breakable and self.breakable[-1] is not None:
            self.problem("a 'break' leaves the loop early", s.span, False, (self.breakable[-1],))

    def s_Continue(self, s) -> None:
        pass

    def s_Return(self, s: ir.Return) -> None:
        self.returned.append((s, self.ev(s.value)))
        loops = [lid for lid in self.stack if lid != ROOT]
        self.problem("it returns from inside the loop", s.span, False, loops)

    def s_PragmaStmt(self, s) -> None:
        if s.text.split()[:1] == ["omp"]:
            self.problem(f"'#pragma {s.text}'", s.span)

    def s_other(self, s) -> None:
        self.problem(f"a {type(s).__name__} statement", getattr(s, "span", None))

    # ---- expressions -----------------------------------------------------------------------------
    def ev(self, e):
        """The value of `e`: a z3 term (integers, booleans), a _Ptr, or None (not followed)."""
        if e is None:
            return None
        f = getattr(self, "e_" + type(e).__name__, None)
        if f is not None:
            return f(e)
        for c in _child_exprs(e):
            self.ev(c)
        return self.some(e.type)

    def pointer(self, e) -> _Ptr:
        v = self.ev(e)
        return v if isinstance(v, _Ptr) else UNKNOWN

    def address(self, e):
        """(the _Ptr an lvalue designates, its width in bytes); (None, None) for a register."""
        if isinstance(e, ir.Var):
            if e.name in self.statics:
                return _Ptr(self.statics[e.name], z3.IntVal(0), 1), sizeof(e.type)
            v = self.env.get(e.name)
            return (v if isinstance(v, _Ptr) else None), sizeof(e.type)
        if isinstance(e, ir.Index):
            if not isinstance(e.base.type, (Pointer, Array)):
                self.ev(e.base)
                self.ev(e.index)
                return None, None
            base = self.pointer(e.base)
            k = _as_int(self.ev(e.index))
            return self.offset(base, k, sizeof(e.type)), sizeof(e.type)
        if isinstance(e, ir.Deref):
            return self.pointer(e.operand), sizeof(e.type)
        if isinstance(e, ir.Member):
            if isinstance(e.base, (ir.Index, ir.Deref)) or (isinstance(e.base, ir.Var) and e.base.name in self.statics):
                return self.address(e.base)            # the whole element: a superset
            self.ev(e.base)
            return None, None
        self.ev(e)
        return UNKNOWN, None

    def load(self, e):
        ptr, width = self.address(e)
        if ptr is None:
            return self.some(e.type)
        if isinstance(e.type, Array):                  # a row of a multi-dimensional array
            return ptr
        self.access(ptr, width, False, e)
        return self.fresh("load") if _int_type(e.type) else self.some(e.type)

    e_Index = e_Deref = e_Member = load

    def e_Const(self, e: ir.Const):
        if isinstance(e.value, (bool, int)) and not isinstance(e.value, float):
            return z3.IntVal(int(e.value))
        return None

    def e_EnumConst(self, e):
        return z3.IntVal(e.value)

    def e_SizeOf(self, e):
        n = sizeof(e.of)
        return z3.IntVal(n) if n else self.fresh()

    def e_Var(self, e: ir.Var):
        if e.name in self.statics:
            self.access(_Ptr(self.statics[e.name], z3.IntVal(0), 1), sizeof(e.type), False, e)
            return self.some(e.type)
        v = self.env.get(e.name)
        if v is None:
            return self.some(e.type)
        return v

    def e_AddressOf(self, e: ir.AddressOf):
        o = e.operand
        if isinstance(o, ir.Var) and not isinstance(o.type, Array) and o.name not in self.statics:
            self.problem(f"it takes the address of '{_plain(o.name)}'", e.span)
            return UNKNOWN
        ptr, _ = self.address(o)
        if ptr is None:
            self.problem("it takes the address of a part of a register", e.span)
        return ptr if ptr is not None else UNKNOWN

    def e_Unary(self, e: ir.Unary):
        v = self.ev(e.operand)
        if e.op == "!":
            b = _as_bool(v)
            return z3.Not(b) if b is not None else None
        if not _int_type(e.type):
            return None
        a = _as_int(v)
        if a is None or (e.op == "~" and not e.type.dtype.is_signed):
            return self.fresh()
        return -a if e.op == "-" else a if e.op == "+" else -a - 1

    def e_Binary(self, e: ir.Binary):
        lt, rt, op = e.left.type, e.right.type, e.op
        if op in "+-" and isinstance(lt, (Pointer, Array)) and not isinstance(rt, (Pointer, Array)):
            p, k = self.pointer(e.left), _as_int(self.ev(e.right))
            return self.offset(p, -k if op == "-" and k is not None else k, _unit(_elem(lt)))
        if op == "+" and isinstance(rt, (Pointer, Array)) and not isinstance(lt, (Pointer, Array)):
            k, p = _as_int(self.ev(e.left)), self.pointer(e.right)
            return self.offset(p, k, _unit(_elem(rt)))
        a, b = self.ev(e.left), self.ev(e.right)
        if op in ("&&", "||"):
            x, y = _as_bool(a), _as_bool(b)
            return None if x is None or y is None else z3.And(x, y) if op == "&&" else z3.Or(x, y)
        if op in CMP:
            x, y = _as_int(a), _as_int(b)
            if _int_type(lt) and _int_type(rt) and x is not None and y is not None:
                return CMP[op](x, y)
            return None
        if not _int_type(e.type):
            return None
        x, y = _as_int(a), _as_int(b)
        r = _int_op(op, x, y, e.right) if x is not None and y is not None else None
        return r if r is not None else self.fresh()

    def e_Ternary(self, e: ir.Ternary):
        c = _as_bool(self.ev(e.cond))
        a, b = self.ev(e.then), self.ev(e.other)
        if isinstance(a, _Ptr) or isinstance(b, _Ptr):
            return self.join({"v": a}, {"v": b}, c)["v"]
        x, y = _as_int(a), _as_int(b)
        if _int_type(e.type):
            return z3.If(c, x, y) if c is not None and x is not None and y is not None else self.fresh()
        if isinstance(a, z3.BoolRef) and isinstance(b, z3.BoolRef) and c is not None:
            return z3.If(c, a, b)
        return None

    def e_Cast(self, e: ir.Cast):
        v = self.ev(e.operand)
        t, src = e.type, e.operand.type
        if isinstance(t, Pointer):
            return v if isinstance(v, _Ptr) else UNKNOWN
        if not _int_type(t):
            return None
        if t.dtype is DType.BOOL:
            b = _as_bool(v)
            return _as_int(b) if b is not None else self.fresh()
        if _int_type(src) and (t.dtype.bits >= 32 or t.dtype.bits >= src.dtype.bits):
            x = _as_int(v)                             # no overflow assumed (module docstring)
            return x if x is not None else self.fresh()
        return self.fresh()

    def e_Call(self, e: ir.Call):
        name = e.callee
        fn = self.module.function(name) if self.module is not None else None
        if fn is not None and fn.body is not None:
            return self.call(e, fn)
        args = [self.ev(a) for a in e.args]
        if name in ALLOCATORS:
            self.problem(f"it allocates memory ('{name}')", e.span)
            self.count += 1
            return _Ptr(_Obj(f"heap:{self.count}", f"the block from {name} at {_where(e.span)}",
                             tuple(self.stack)), z3.IntVal(0), 1)
        if name == "free":
            self.problem("it frees memory", e.span)
            return None
        if name in COPIES and len(args) == 3:
            n = _as_int(args[2])
            self.access(args[0], n, True, e)
            if name != "memset":
                self.access(args[1], n, False, e)
            return args[0]
        entry = lookup(name)
        if entry is not None and entry.family == "math" and not any(
                isinstance(a.type, (Pointer, Array)) for a in e.args):       # no out-parameters
            xs = [_as_int(a) for a in args]
            if _int_type(e.type) and INT_MATH.get(name) and all(x is not None for x in xs) and len(xs) in (1, 2):
                kind, a = INT_MATH[name], xs[0]
                if kind == "abs":
                    return z3.If(a < 0, -a, a)
                b = xs[1] if len(xs) == 2 else None
                if b is not None:
                    return z3.If(a < b, a, b) if kind == "min" else z3.If(a > b, a, b)
            return self.some(e.type)
        if entry is not None and entry.family == "x86":
            return self.intrinsic(e, args)
        if entry is not None and name.startswith("make_") and isinstance(e.type, Vector) \
                and not any(isinstance(a.type, (Pointer, Array)) for a in e.args):
            return self.some(e.type)             # a CUDA/HIP vector value from its lanes (make_float4)
        self.problem(f"it calls '{name}', whose effects xpiler does not know", e.span)
        return self.some(e.type)

    def intrinsic(self, e: ir.Call, args: list):
        """An x86 intrinsic, by its catalog semantics (the one description the interpreter also
        runs): without a memory parameter it is pure (registers are values); with one, its
        semantics are summarised like a helper and only the accesses through its memory
        parameters are kept."""
        from xpiler.lift.detensorize_x86 import memory_params, semantics_function
        memory = memory_params(e.callee)
        if not memory:
            return self.some(e.type)
        fn = semantics_function(e.callee)
        if fn is None:
            self.problem(f"it calls '{e.callee}', whose catalog entry gives no semantics", e.span)
            return self.some(e.type)
        shift = len(fn.params) - len(e.args)                 # `result` comes first
        keep = {f"arg:{i + shift}" for i in memory}
        self.call(e, fn, [None] * shift + args, keep)
        return self.some(e.type)

    def call(self, e: ir.Call, fn: ir.Function, args: list | None = None, keep: set | None = None):
        """A helper of the module: its summarised accesses, at this call's arguments (`args`
        already evaluated, if given; only the accesses to the parameter objects in `keep`, if
        given)."""
        args = [self.ev(a) for a in e.args] if args is None else args
        summary = _summarize(self.module, fn, self.summaries)
        if summary is None:
            self.problem(f"it calls '{fn.name}' recursively", e.span)
            return self.some(e.type)
        if summary.problem:
            self.problem(f"it calls '{fn.name}', which {summary.problem.removeprefix('it ')}", e.span)
        pairs = []
        for sym, a in zip(summary.params, args):
            if sym is not None:
                x = _as_int(a)
                pairs.append((sym, x if x is not None else self.fresh()))
        pairs += [(sym, self.fresh()) for sym in summary.symbols]

        def sub(t):
            return z3.substitute(t, *pairs) if pairs and isinstance(t, z3.ExprRef) else t
        context = self.context()
        result = sub(summary.result) if _int_type(e.type) and summary.result is not None else None
        for acc in summary.accesses if self.stack else ():
            obj, off, unit = acc.obj, sub(acc.off), acc.unit
            if keep is not None and (obj is None or obj.key not in keep):
                if obj is None or obj.key.startswith("arg:"):
                    continue                           # a register operand: a value, not memory
            if obj is not None and obj.key.startswith("arg:"):
                actual = args[int(obj.key[4:])] if int(obj.key[4:]) < len(args) else None
                if isinstance(actual, _Ptr) and actual.obj is not None and actual.off is not None and off is not None:
                    g = math.gcd(actual.unit, unit)
                    obj, off, unit = actual.obj, _rebase(actual, g) + _scale(off, unit // g), g
                else:
                    obj, off = (actual.obj if isinstance(actual, _Ptr) else None), None
            elif obj is not None and ROOT in obj.owners:
                continue                               # the helper's own locals: new in each call
            cond = tuple(sub(c) for c in acc.cond) + context
            self.accesses.append(_Access(obj, off, unit, sub(acc.width), acc.write, cond, tuple(self.stack),
                                         e.span, f"{acc.text} in " + (f"the semantics of '{e.callee}'"
                                                                   if keep is not None else f"'{fn.name}'")))
        return result if result is not None else self.some(e.type)


def _summarize(module, fn: ir.Function, summaries: dict) -> _Summary | None:
    """A helper's summary (None while it is being made: a recursive call)."""
    if fn.name in summaries:
        return summaries[fn.name]
    summaries[fn.name] = None
    w = _Walker(module, _rename(fn), summaries, helper=True)
    w.run()
    effects = [p for p in w.problems if p.effect]
    last = fn.body.stmts[-1] if fn.body.stmts else None
    result = None
    if len(w.returned) == 1 and isinstance(last, ir.Return) and w.returned[0][0].span == last.span:
        result = _as_int(w.returned[0][1]) if _int_type(fn.ret) else None
    summaries[fn.name] = _Summary(w.param_syms, list(w.symbols.values()), w.accesses,
                                  f"{effects[0].message} ({_where(effects[0].span)})" if effects else None, result)
    return summaries[fn.name]


def _child_exprs(e):
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        for x in v if isinstance(v, tuple) else (v,):
            if isinstance(x, ir.Expr):
                yield x


def _elem(t):
    return t.to if isinstance(t, Pointer) else t.of


def _moves_within(stmts, name: str) -> bool:
    """Whether every assignment of pointer `name` in `stmts` moves it (`p += k`, `p = p + k`)."""
    for s in stmts:
        for n in walk(s):
            if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var) and n.target.name == name:
                v = n.value
                if n.op in ("+", "-"):
                    continue
                if n.op is None and isinstance(v, ir.Binary) and v.op in "+-" and \
                        isinstance(v.left, ir.Var) and v.left.name == name:
                    continue
                return False
    return True


def _counter(s: ir.For):
    """(counter, step amount expression) when the header steps one integer variable the body
    leaves alone by a loop-invariant amount (negated for `-=`); (None, None) otherwise."""
    if len(s.step) != 1 or not isinstance(s.step[0], ir.Assign) or not isinstance(s.step[0].target, ir.Var):
        return None, None
    a = s.step[0]
    v = a.target.name
    if not _int_type(a.target.type) or v in _assigned([s.body]):
        return None, None
    amount = None
    if a.op in ("+", "-"):
        amount = a.value
        negative = a.op == "-"
    elif a.op is None and isinstance(a.value, ir.Binary) and a.value.op in "+-":
        x = a.value
        if isinstance(x.left, ir.Var) and x.left.name == v and not _reads(x.right, {v}):
            amount, negative = x.right, x.op == "-"
        elif x.op == "+" and isinstance(x.right, ir.Var) and x.right.name == v and not _reads(x.left, {v}):
            amount, negative = x.left, False
    if amount is None:
        return None, None
    changed = _assigned([s.body, *s.step])
    if any(isinstance(n, (ir.Index, ir.Deref, ir.Call)) or (isinstance(n, ir.Var) and n.name in changed)
           for n in walk(amount)):
        return None, None
    if negative:
        amount = ir.Unary("-", amount, amount.type)
    return v, amount


# ---- judging one loop ----------------------------------------------------------------------------

class _Judge:
    """Classifies each loop from one walk of the (renamed) function."""

    def __init__(self, walker: _Walker, fn: ir.Function):
        self.w, self.fn = walker, fn
        self.scalars = {p.name for p in fn.params} | {n.name for n in walk(fn.body) if isinstance(n, ir.Decl)
                                                     and "static" not in n.storage and not isinstance(n.type, Array)}

    def loop(self, given: ir.For, loop: ir.For) -> LoopResult:
        lid = self.w.loop_ids[id(loop)]
        facts = self.w.facts[lid]
        where = _where(loop.span or given.span, self.fn.name)
        name = _plain(facts.counter) if facts.counter else _header_var(loop)

        def serial(reason: str) -> LoopResult:
            return LoopResult(given, name, where, Kind.SERIAL, reason)
        problems = [p for p in self.w.problems if lid in p.loops]
        if problems:
            return serial(f"{problems[0].message} at {_where(problems[0].span, where)}")
        if facts.counter is None:
            return serial("its header does not step one integer counter by a fixed amount that the body leaves alone")
        outside = (_assigned([loop.body]) - _declared(loop.body) - {facts.counter}) & self.scalars
        in_header = [v for v in _reads(ir.Block((*loop.step,)), outside)] + _reads(loop.cond, outside)
        if in_header:
            return serial(f"its condition reads '{_plain(in_header[0].name)}', which the body changes")
        check = _MustAssign(outside)
        check.stmt(loop.body, set())
        reductions, private = [], []
        for v in sorted(outside):
            op = _reduction(loop.body, v, self.w.types.get(v))
            if op is not None:
                reductions.append(Reduction(_plain(v), op))
            elif v in check.exposed:
                return serial(f"'{_plain(v)}' carries a value from one iteration to the next "
                              f"(read at {_where(check.exposed[v].span, where)})")
            else:
                later = _live_after(self.fn.body, loop, v)
                if later is not None:
                    return serial(f"'{_plain(v)}' keeps the last iteration's value after the loop, "
                                  f"which is read at {_where(later.span, where)}")
                private.append(v)
        conflict, proof = self.memory(lid, facts)
        if conflict is not None:
            return serial(conflict)
        if private:
            proof += f"; {', '.join(_plain(v) for v in private)} private to each iteration"
        if reductions:
            what = ", ".join(f"{r.var} ({r.op})" for r in reductions)
            return LoopResult(given, name, where, Kind.REDUCTION, f"reduction of {what}; {proof}",
                              tuple(reductions))
        counter_type = self.w.types.get(facts.counter)
        return LoopResult(given, name, where, Kind.PARALLEL, proof, (),
                          tuple((_plain(v), self.w.types[v]) for v in private),
                          self.blocked(loop, facts.counter, counter_type), counter_type,
                          self.outer_locals(loop, private))

    # ---- memory ----------------------------------------------------------------------------------
    def memory(self, lid: int, facts: _Facts) -> tuple[str | None, str]:
        """(the conflict, or None; the proof text)."""
        w = self.w
        accs = _dedupe([a for a in w.accesses if lid in a.loops and not (a.obj is not None and lid in a.obj.owners)])
        writes = [a for a in accs if a.write]
        if not writes:
            return None, "no iteration writes memory"
        for a in accs:
            if a.obj is None and (a.write or writes):
                verb = "writes" if a.write else "reads"
                return (f"it {verb} through a pointer xpiler cannot follow: {a.text} at {_where(a.span)}"
                        + ("" if a.write else " (and the loop writes memory)")), ""
        mine = [s for n, s in w.symbols.items() if lid in w.owners[n]]
        one = [(s, z3.Int(f"{s}#1")) for s in mine]
        two = [(s, z3.Int(f"{s}#2")) for s in mine]

        def inst(t, ren):
            return z3.substitute(t, *ren) if ren and isinstance(t, z3.ExprRef) else t
        # two different iterations (by number: with a step of 0 they would share the counter value)
        distinct = z3.And(inst(facts.t, one) != inst(facts.t, two), *w.defs)
        groups: dict[str, list[_Access]] = {}
        for a in accs:
            groups.setdefault(a.obj.key, []).append(a)
        assumed = False
        for key, group in groups.items():
            pairs = [(a, b) for i, a in enumerate(group) for b in group[i:] if a.write or b.write]
            pairs = [(a, b) if a.write else (b, a) for a, b in pairs]
            if not pairs:
                continue
            formulas = [self.pair(a, b, one, two, inst) for a, b in pairs]
            found, model = _decide(distinct, formulas, [self.split_pair(a, b, one, two, inst) for a, b in pairs])
            if found == "sat" and w.params:
                found2, model2 = _decide(z3.And(distinct, *[p >= 0 for p in w.params]), formulas, [])
                if found2 == "unsat":
                    found, assumed = "unsat", True
                else:
                    found, model = found2, model2 if model2 is not None else model
            if found == "unsat":
                continue
            if found == "unknown":
                return (f"z3 could not decide within {QUERY_MS} ms whether two iterations touch the same "
                        f"element of {group[0].obj.label}"), ""
            a, b = next((p for p, f in zip(pairs, formulas) if z3.is_true(model.eval(f, model_completion=True))),
                        pairs[0])
            x1 = model.eval(inst(facts.value, one), model_completion=True)
            x2 = model.eval(inst(facts.value, two), model_completion=True)
            c = _plain(facts.counter)
            data = " (the index is read from memory)" if "load!" in f"{a.off}{b.off}" else ""
            if b.write:
                return (f"iterations {c}={x1} and {c}={x2} both write {a.obj.label}: {a.text} at {_where(a.span)}"
                        + ("" if a is b else f" and {b.text} at {_where(b.span)}") + data), ""
            return (f"iteration {c}={x2} reads {b.text} at {_where(b.span)}, which iteration {c}={x1} "
                    f"writes ({a.text} at {_where(a.span)}){data}"), ""
        written = sorted({a.obj.label for a in writes})
        proof = f"z3: no iteration writes an element of {', '.join(written)} that another iteration touches"
        params = {a.obj.key for a in accs if a.obj.param}
        globals_ = {a.obj.key for a in accs if a.obj.key.startswith("global:")}
        if len(params) > 1 or (params and globals_):
            proof += "; distinct pointer parameters assumed disjoint" + (" (and from globals)" if globals_ else "")
        if assumed:
            proof += "; integer parameters taken as non-negative"
        return None, proof

    def pair(self, a: _Access, b: _Access, one, two, inst):
        """a in iteration 1 and b in iteration 2 touch a common byte."""
        parts = [inst(c, one) for c in a.cond] + [inst(c, two) for c in b.cond]
        if a.off is not None and b.off is not None and a.width is not None and b.width is not None:
            oa, ob = inst(a.off, one), inst(b.off, two)
            if a.unit == b.unit and isinstance(a.width, int) and a.width == b.width == a.unit:
                parts.append(oa == ob)
            else:
                wa, wb = _as_int(_const(inst(a.width, one))), _as_int(_const(inst(b.width, two)))
                ba, bb = _scale(oa, a.unit), _scale(ob, b.unit)
                parts += [ba < bb + wb, bb < ba + wa]
        return z3.And(*parts) if parts else z3.BoolVal(True)

    def split_pair(self, a: _Access, b: _Access, one, two, inst):
        """`pair` with an equality of flattened indices split into its dimensions, or None."""
        if not (a.off is not None and b.off is not None and a.unit == b.unit and isinstance(a.width, int)
                and a.width == b.width == a.unit):
            return None
        ca, cb = [inst(c, one) for c in a.cond], [inst(c, two) for c in b.cond]
        equalities = _delinearize(inst(a.off, one), inst(b.off, two), self.w.defs + ca, self.w.defs + cb)
        return z3.And(*ca, *cb, *equalities) if equalities is not None else None

    # ---- can it take the marker? -----------------------------------------------------------------
    def blocked(self, loop: ir.For, counter: str, counter_type) -> str | None:
        """Why the lifter's normal form (lift/vnni.py) or the interpreter would not accept the marked
        loop, or None."""
        if len(loop.init) != 1:
            return "its header does not initialise the counter alone"
        init = loop.init[0]
        if isinstance(init, ir.Decl):
            if init.name != counter or init.init is None:
                return "its header does not initialise the counter"
        elif isinstance(init, ir.Assign) and isinstance(init.target, ir.Var) and init.target.name == counter \
                and init.op is None:
            later = _live_after(self.fn.body, loop, counter)
            if later is not None:
                return f"the counter's value after the loop is read at {_where(later.span)}"
        else:
            return "its header does not initialise the counter"
        if not (isinstance(counter_type, Scalar) and counter_type.dtype in (DType.I32, DType.I64)):
            return f"its counter is {counter_type.c() if counter_type else '?'}, not int or long"
        bound = _bound(loop.cond, counter)
        if bound is None:
            return f"its condition is not '{_plain(counter)} < bound' or '{_plain(counter)} <= bound'"
        step = loop.step[0]
        amount = step.value if step.op == "+" else step.value.right if step.op is None and \
            step.value.op == "+" and isinstance(step.value.left, ir.Var) and step.value.left.name == counter \
            else None
        c = fold(amount) if amount is not None else None
        if not (isinstance(c, int) and c > 0):
            return "it does not count up by a constant"
        changed = _assigned([loop.body, *loop.step])
        for n in walk(bound):
            if isinstance(n, ir.Var) and n.name in changed:
                return f"its bound changes in the loop ('{_plain(n.name)}')"
            if isinstance(n, (ir.Index, ir.Deref)) or (isinstance(n, ir.Call) and (
                    lookup(n.callee) is None or lookup(n.callee).family != "math")):
                return "its bound is read from memory in every iteration"
        if not _structured(list(_stmts(loop.body))):
            return "a 'continue' is not at the end of an if branch"
        if "memset" in _callees(loop, self.w.module):
            # xpiler/interp/intrinsics/runtime.py `memset` passes no lane mask to the copy: with
            # several lanes it fails or writes for inactive lanes (memcpy passes it)
            return "it calls memset, which the interpreter cannot yet run on several lanes"
        return None

    def outer_locals(self, loop: ir.For, private: list[str]) -> tuple[str, ...]:
        """Local arrays, and pointers not from an allocation, declared before `loop` and used in it
        (the offloader passes a kernel parameters and allocated buffers only: emit/offload.py)."""
        inside = set(_declared(loop)) | set(private)
        allocated = {d.name for d in walk(self.fn.body) if isinstance(d, ir.Decl) and _allocation(d.init)}
        return tuple(sorted({_plain(n.name) for n in walk(loop) if isinstance(n, ir.Var) and SEP in n.name
                             and n.name not in inside and (isinstance(n.type, Array) or (
                                 isinstance(n.type, Pointer) and n.name not in allocated))}))


def _allocation(e) -> bool:
    while isinstance(e, ir.Cast):
        e = e.operand
    return isinstance(e, ir.Call) and e.callee in ALLOCATORS


def _callees(s, module: ir.Module | None) -> set[str]:
    """Functions `s` calls, directly or through the module's helpers."""
    seen: set[str] = set()
    todo = [n.callee for n in walk(s) if isinstance(n, ir.Call)]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        fn = module.function(name) if module is not None else None
        if fn is not None and fn.body is not None:
            todo += [n.callee for n in walk(fn.body) if isinstance(n, ir.Call)]
    return seen


def _const(t):
    return z3.IntVal(t) if isinstance(t, int) else t


def _decide(distinct, formulas, splits) -> tuple[str, object]:
    """("unsat" | "sat" | "unknown", model) for `distinct` and one of `formulas`; an undecided
    formula is retried alone, then as its split form (`splits`, equisatisfiable, or None)."""
    found, model = _check([distinct, z3.Or(*formulas)])
    if found != "unknown":
        return found, model
    undecided = len(formulas) > PAIR_RETRIES
    for f, split in list(zip(formulas, splits + [None] * len(formulas)))[:PAIR_RETRIES]:
        r, m = _check([distinct, f]) if len(formulas) > 1 else ("unknown", None)
        if r == "unknown" and split is not None:
            r, m = _check([distinct, split])
        if r == "sat":
            return r, m
        undecided |= r == "unknown"
    return ("unknown" if undecided else "unsat"), None


def _delinearize(oa, ob, ca: list, cb: list, depth: int = 4) -> list | None:
    """Equalities equivalent to `oa == ob` under the conditions `ca` (of oa) and `cb` (of ob):
    when both are `A*p + B` for a symbol p they share, with 0 <= B < p proven for each (a query per
    side), `oa == ob` holds exactly when A and B agree (quotient and remainder are unique);
    each part is split again. None when nothing splits."""
    pa, pb = _Poly(oa), _Poly(ob)
    if not (pa.ok and pb.ok) or depth == 0:
        return None
    for p in pa.linear_factors() & pb.linear_factors():
        a1, b1 = pa.split(p)
        a2, b2 = pb.split(p)
        sym = pa.atoms[p]
        if _check([*ca, z3.Not(z3.And(b1 >= 0, b1 < sym))])[0] != "unsat" or \
                _check([*cb, z3.Not(z3.And(b2 >= 0, b2 < sym))])[0] != "unsat":
            continue
        high = _delinearize(a1, a2, ca, cb, depth - 1) or [a1 == a2]
        low = _delinearize(b1, b2, ca, cb, depth - 1) or [b1 == b2]
        return high + low
    return None


class _Poly:
    """A z3 integer term as a polynomial: monomial (sorted atom ids) -> coefficient; atoms are
    uninterpreted constants, and any other non-arithmetic subterm (if-then-else, div) whole."""

    def __init__(self, t):
        self.atoms: dict[int, object] = {}
        self.ok = True
        self.terms = self.poly(t)

    def poly(self, t) -> dict:
        if z3.is_int_value(t):
            return {(): t.as_long()}
        k = t.decl().kind() if z3.is_app(t) else None
        if k == z3.Z3_OP_ADD:
            out: dict = {}
            for c in t.children():
                _merge(out, self.poly(c), 1)
            return out
        if k == z3.Z3_OP_SUB:
            cs = t.children()
            out = dict(self.poly(cs[0]))
            for c in cs[1:]:
                _merge(out, self.poly(c), -1)
            return out
        if k == z3.Z3_OP_UMINUS:
            return {m: -c for m, c in self.poly(t.children()[0]).items()}
        if k == z3.Z3_OP_MUL:
            out = {(): 1}
            for c in t.children():
                nxt: dict = {}
                for m1, c1 in out.items():
                    for m2, c2 in self.poly(c).items():
                        _merge(nxt, {tuple(sorted(m1 + m2)): c1 * c2}, 1)
                out = nxt
                if len(out) > 64:
                    self.ok = False
                    return {}
            return out
        self.atoms[t.get_id()] = t
        return {(t.get_id(),): 1}

    def linear_factors(self) -> set[int]:
        """Uninterpreted constants that occur, at most once per monomial, in some monomial with others."""
        out = {a for m in self.terms for a in m if z3.is_const(self.atoms[a]) and len(m) > 1}
        return {a for a in out if all(m.count(a) <= 1 for m in self.terms)}

    def split(self, p: int):
        high, low = {}, {}
        for m, c in self.terms.items():
            if p in m:
                rest = list(m)
                rest.remove(p)
                high[tuple(rest)] = c
            else:
                low[m] = c
        return self.term(high), self.term(low)

    def term(self, poly: dict):
        parts = []
        for m, c in poly.items():
            factors = [self.atoms[a] for a in m]
            prod = factors[0] if factors else z3.IntVal(1)
            for f in factors[1:]:
                prod = prod * f
            parts.append(prod if c == 1 else c * prod if factors else z3.IntVal(c))
        return z3.Sum(*parts) if len(parts) > 1 else parts[0] if parts else z3.IntVal(0)


def _merge(into: dict, poly: dict, sign: int) -> None:
    for m, c in poly.items():
        into[m] = into.get(m, 0) + sign * c
        if into[m] == 0:
            del into[m]


def _check(formulas) -> tuple[str, object]:
    s = z3.Solver()
    s.set("timeout", QUERY_MS)
    s.add(*formulas)
    r = s.check()
    return ("sat", s.model()) if r == z3.sat else ("unsat", None) if r == z3.unsat else ("unknown", None)


def _dedupe(accs: list[_Access]) -> list[_Access]:
    seen, out = set(), []
    for a in accs:
        key = (a.write, a.obj.key if a.obj else None, a.off.get_id() if isinstance(a.off, z3.ExprRef) else a.off,
               a.unit, a.width.get_id() if isinstance(a.width, z3.ExprRef) else a.width,
               tuple(c.get_id() for c in a.cond))
        if key not in seen:
            seen.add(key)
            out.append(a)
    return out


def _header_var(loop: ir.For) -> str | None:
    for s in loop.init:
        if isinstance(s, ir.Decl):
            return _plain(s.name)
        if isinstance(s, ir.Assign) and isinstance(s.target, ir.Var):
            return _plain(s.target.name)
    return None


def _bound(cond, v: str):
    """`bound` of `v < bound` / `v <= bound` (or mirrored) as the lifter's normal form reads it."""
    def is_v(e):
        while isinstance(e, ir.Cast):
            e = e.operand
        return isinstance(e, ir.Var) and e.name == v
    if isinstance(cond, ir.Binary):
        if cond.op in ("<", "<=") and is_v(cond.left) and not _reads(cond.right, {v}):
            return cond.right
        if cond.op in (">", ">=") and is_v(cond.right) and not _reads(cond.left, {v}):
            return cond.left
    return None


def _stmts(s) -> list:
    return [] if s is None else list(s.stmts) if isinstance(s, ir.Block) else [s]


def _own_continue(s) -> bool:
    return _escaping_jumps(s) and any(isinstance(n, ir.Continue) for n in walk(s))


def _structured(stmts: list) -> bool:
    """Whether every `continue` of the loop ends an if branch (what lift/vnni.py `structured` takes)."""
    for i, s in enumerate(stmts):
        if not _own_continue(s):
            continue
        if isinstance(s, ir.Continue):
            return True
        if isinstance(s, ir.If):
            then, other = _stmts(s.then), _stmts(s.other)
            if then and isinstance(then[-1], ir.Continue) and not any(_own_continue(x) for x in other):
                return _structured(then[:-1]) and _structured(stmts[i + 1:])
            if other and isinstance(other[-1], ir.Continue) and not any(_own_continue(x) for x in then):
                return _structured(other[:-1]) and _structured(stmts[i + 1:])
        return False
    return True


def _reduction(body, v: str, t) -> str | None:
    """The operator when every occurrence of `v` in `body` is an update `v = v op e` of one
    associative operator (e free of v); None otherwise."""
    if not isinstance(t, Scalar):
        return None
    updates = [n for n in walk(body) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)
               and n.target.name == v]
    ops = set()
    uses = 0
    for a in updates:
        op = _update_op(a, v, t)
        if op is None:
            return None
        ops.add(op)
        uses += len(_reads(a, {v}))                    # the target and the operand(s) `_update_op` checked
    if len(ops) != 1 or uses != len(_reads(body, {v})):
        return None
    return ops.pop()


def _update_op(a: ir.Assign, v: str, t: Scalar) -> str | None:
    bitwise = ("&", "|", "^") if t.dtype.is_int else ()
    if a.op is not None:
        if _reads(a.value, {v}):
            return None
        return "+" if a.op in "+-" else a.op if a.op in ("*",) + bitwise else None
    e = a.value
    while isinstance(e, ir.Cast) and isinstance(e.type, Scalar):
        e = e.operand

    def me(x):
        while isinstance(x, ir.Cast):
            x = x.operand
        return isinstance(x, ir.Var) and x.name == v
    if isinstance(e, ir.Binary) and e.op in ("+", "-", "*") + bitwise:
        if me(e.left) and not _reads(e.right, {v}):
            return "+" if e.op == "-" else e.op
        if e.op != "-" and me(e.right) and not _reads(e.left, {v}):
            return e.op
        return None
    if isinstance(e, ir.Call) and e.callee in REDUCE_CALLS and len(e.args) == 2:
        x, y = e.args
        if (me(x) and not _reads(y, {v})) or (me(y) and not _reads(x, {v})):
            return REDUCE_CALLS[e.callee]
        return None
    if isinstance(e, ir.Ternary) and isinstance(e.cond, ir.Binary) and e.cond.op in ("<", "<=", ">", ">="):
        left, right = e.cond.left, e.cond.right
        if not ((me(left) and not _reads(right, {v})) or (me(right) and not _reads(left, {v}))):
            return None
        if (e.then, e.other) == (left, right):
            picked_left = True
        elif (e.then, e.other) == (right, left):
            picked_left = False
        else:
            return None
        greater = e.cond.op in (">", ">=")            # then-branch is the greater when it is `left`
        return "max" if picked_left == greater else "min"
    return None


# ---- the pass ------------------------------------------------------------------------------------

_MEMO: dict[int, tuple] = {}         # id(module) -> (module, result): the lifter, the pipeline and
MEMO_SIZE = 32                       # the interpreter ask for the same module; analyse it once


def parallelize(module: ir.Module, every: bool = False) -> tuple[ir.Module, list[str]]:
    """Mark the loops of C entry functions that `analyze` proves independent as parallel.

    Before: a vnni module; entry functions (`extern "C"`) without OpenMP pragmas have serial loops.
    After:  in those functions, loops with the marker "omp parallel for" where every consumer
            takes them (docs/canonical.md §3 "Parallel loops found by analysis"): the outermost
            PARALLEL loop of each nest, extended over a perfect nest of PARALLEL loops counting
            from 0 by 1 whose bounds do not use the outer counters; when that nest is one loop,
            also the outermost PARALLEL loops of its body, unless code of the body around them
            writes memory. Nothing inside a marked loop otherwise. A marked loop whose counter was
            declared before it declares it in its header; scalars declared before it that every
            iteration sets before reading are declared again at the top of its body.
            Other functions, and other modules, are returned as they are.
    The notes say, per analysed loop, what was bound and why, or why not (for output headers).

    `every`: for the interpreter, which runs any parallel loop's iterations as lanes, nested or
    not, whatever it uses from around it: every PARALLEL loop whose header it can rebuild."""
    hit = _MEMO.get((id(module), every))
    if hit is not None and hit[0] is module:
        return hit[1], list(hit[2])
    result, notes = _parallelize(module, every)
    if len(_MEMO) >= MEMO_SIZE:
        _MEMO.pop(next(iter(_MEMO)))
    _MEMO[(id(module), every)] = (module, result, tuple(notes))
    return result, notes


def _parallelize(module: ir.Module, every: bool = False) -> tuple[ir.Module, list[str]]:
    if module.platform is not ir.Platform.VNNI:
        return module, []
    functions, notes, changed = [], [], False
    for f in module.functions:
        if f.body is None or not (f.extern_c or f.kind is ir.FuncKind.KERNEL) or _has_openmp(f):
            functions.append(f)
            continue
        try:
            g, more = _mark(f, module, every)
        except (z3.Z3Exception, RecursionError, ValueError, TypeError, KeyError, AttributeError) as e:
            # a shape the analysis does not expect: its loops stay as written (serial is sound);
            # the note makes the bug visible in output headers
            g, more = f, [f"the loops of '{f.name}' stay serial: the dependence analysis failed "
                          f"({type(e).__name__}: {e})"]
        functions.append(g)
        notes += more
        changed |= g is not f
    if not changed:
        return module, notes
    return dataclasses.replace(module, functions=tuple(functions)), notes


def _has_openmp(f: ir.Function) -> bool:
    return any((isinstance(n, ir.PragmaStmt) and n.text.split()[:1] == ["omp"]) or
               (isinstance(n, ir.For) and any(p.split()[:1] == ["omp"] for p in n.pragmas)) for n in walk(f.body))


def _mark(f: ir.Function, module: ir.Module, every: bool = False) -> tuple[ir.Function, list[str]]:
    results = analyze(f, module)
    by = {id(r.loop): r for r in results}
    chosen: dict[int, str] = {}                  # id(loop) -> how it is bound
    why_not: dict[int, str] = {}

    def ok(s) -> bool:
        r = by[id(s)]
        return r.kind is Kind.PARALLEL and r.blocked is None

    def visit(s, state: str, outer: str | None) -> None:
        """state: top (no marked loop around), inner (in the one marked loop), none."""
        if every and isinstance(s, ir.For):
            if ok(s):
                chosen[id(s)] = "bound"
            visit(s.body, state, outer)
            return
        if isinstance(s, ir.For):
            r = by[id(s)]
            if state == "top" and ok(s) and not r.outer_locals:
                chain = _chain(s, by, ok)
                for c in chain:
                    chosen[id(c)] = "bound" if c is s else f"bound with loop {r.counter}"
                if len(chain) == 1:
                    inner: dict[int, str] = {}
                    visit_inner(s.body, r.counter, inner)
                    if inner and _writes_around(s.body, inner, module):
                        for k in inner:
                            why_not[k] = (f"the code of loop {r.counter} around it writes memory, which a "
                                          f"device runs on one thread")
                    else:
                        chosen.update(inner)
                visit(chain[-1].body, "none", chain[-1] and by[id(chain[-1])].counter)
                return
            if state == "top" and ok(s):
                why_not[id(s)] = f"it uses '{r.outer_locals[0]}', declared before it, which a kernel cannot take"
            if state == "none" and ok(s):
                why_not.setdefault(id(s), f"inside the parallel loop {outer}")
            visit(s.body, state, outer)
            return
        for x in child_statements(s):
            visit(x, state, outer)

    def visit_inner(s, outer: str, inner: dict) -> None:
        if isinstance(s, ir.For):
            if ok(s):
                inner[id(s)] = f"bound inside loop {outer}"
                return
            visit_inner(s.body, outer, inner)
            return
        if isinstance(s, ir.Switch):
            return
        for x in child_statements(s):
            visit_inner(x, outer, inner)

    visit(f.body, "top", None)
    notes = []
    for r in results:
        how = chosen.get(id(r.loop))
        if how is not None:
            status = f"parallel, {how}"
        elif r.kind is Kind.PARALLEL:
            status = f"parallel, left serial: {r.blocked or why_not.get(id(r.loop), 'not bound')}"
        elif r.kind is Kind.REDUCTION:
            status = "reduction, left serial"
        else:
            status = "serial"
        notes.append(f"loop {r.counter or '?'} at {r.where}: {status} ({r.reason})")
    if not chosen:
        return f, notes
    return dataclasses.replace(f, body=_rebuild(f.body, chosen, by)), notes


def _chain(s: ir.For, by: dict, ok) -> list[ir.For]:
    """`s` and the PARALLEL loops perfectly nested in it that the device emitters flatten with it
    (emit/simt_kernel.py flat_nest): each outer one counts from 0 by 1 (the lifter adds nothing to
    its body), the inner one's start and bound do not use the outer counters."""
    chain = [s]
    while True:
        cur, inner = chain[-1], _single(chain[-1].body)
        if not (isinstance(inner, ir.For) and ok(inner) and _from_zero_by_one(cur)):
            return chain
        counters = {_header_var(c) for c in chain}
        start = inner.init[0].init if isinstance(inner.init[0], ir.Decl) else inner.init[0].value
        bound = _bound(inner.cond, _header_var(inner))
        if _reads(start, counters) or _reads(bound, counters):
            return chain
        chain.append(inner)


def _from_zero_by_one(s: ir.For) -> bool:
    init = s.init[0]
    start = init.init if isinstance(init, ir.Decl) else init.value
    step = s.step[0]
    amount = step.value if step.op == "+" else step.value.right
    return fold(start) == 0 and fold(amount) == 1


def _writes_around(body, inner: dict, module: ir.Module) -> bool:
    """Whether code of `body` outside the loops `inner` writes memory (or may, through a call)."""
    summaries: dict = {}

    def writes(call: ir.Call) -> bool:
        fn = module.function(call.callee)
        if fn is not None and fn.body is not None:
            summary = _summarize(module, fn, summaries)
            return summary is None or summary.problem is not None or any(a.write for a in summary.accesses)
        return call.callee in COPIES or lookup(call.callee) is None or lookup(call.callee).family != "math"

    def go(s) -> bool:
        if isinstance(s, ir.For) and id(s) in inner:
            return False
        if isinstance(s, ir.Assign) and _lvalue_var(s.target) is None:
            return True
        own = [s.cond] if isinstance(s, (ir.If, ir.While)) else [s.cond, *s.init, *s.step] \
            if isinstance(s, ir.For) else [] if isinstance(s, (ir.Block, ir.Switch)) else [s]
        if any(isinstance(n, ir.Call) and writes(n) for x in own if x is not None for n in walk(x)):
            return True
        return any(go(x) for x in child_statements(s))
    return go(body)


def _rebuild(s, chosen: dict, by: dict):
    if isinstance(s, ir.Block):
        return dataclasses.replace(s, stmts=tuple(_rebuild(x, chosen, by) for x in s.stmts))
    if isinstance(s, ir.If):
        return dataclasses.replace(s, then=_rebuild(s.then, chosen, by),
                                   other=_rebuild(s.other, chosen, by) if s.other is not None else None)
    if isinstance(s, ir.While):
        return dataclasses.replace(s, body=_rebuild(s.body, chosen, by))
    if isinstance(s, ir.Switch):
        return dataclasses.replace(s, cases=tuple(ir.Case(c.values, tuple(_rebuild(x, chosen, by) for x in c.body))
                                                  for c in s.cases))
    if not isinstance(s, ir.For):
        return s
    body = _rebuild(s.body, chosen, by)
    if id(s) not in chosen:
        return dataclasses.replace(s, body=body)
    r = by[id(s)]
    init = s.init
    if isinstance(init[0], ir.Assign):           # `i = 0` of an `int i` declared before: `int i = 0`
        a = init[0]
        init = (ir.Decl(a.target.name, r.counter_type, a.value, span=a.span),)
    private = tuple(ir.Decl(name, t, span=s.span) for name, t in r.private if _refers(body, name))
    body = ir.Block(private + tuple(_stmts(body)), getattr(s.body, "span", None))
    return dataclasses.replace(s, init=init, body=body, pragmas=s.pragmas + (PARALLEL,))


def _refers(s, name: str) -> bool:
    """Whether `s` uses the variable `name` visible where it starts (not one it declares)."""
    if isinstance(s, ir.Block):
        for x in s.stmts:
            if isinstance(x, ir.Decl) and x.name == name:
                return bool(_reads(x.init, {name}))
            if _refers(x, name):
                return True
        return False
    if isinstance(s, ir.For):
        if _refers(ir.Block(s.init), name):
            return True
        if any(isinstance(d, ir.Decl) and d.name == name for d in s.init):
            return False
        return bool(_reads(s.cond, {name})) or any(_refers(x, name) for x in s.step) or _refers(s.body, name)
    if isinstance(s, (ir.If, ir.While, ir.Switch)):
        head = s.value if isinstance(s, ir.Switch) else s.cond
        return bool(_reads(head, {name})) or any(_refers(x, name) for x in child_statements(s))
    return bool(_reads(s, {name}))
