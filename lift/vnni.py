"""Lift C/C++ with AVX-512 / VNNI intrinsics to the canonical form (docs/canonical.md).

Before: a vnni module: `extern "C"` entry functions with host pointers, helper functions,
        `#pragma omp parallel for [collapse(k)]` loops (and `#pragma omp parallel` regions of
        per-thread declarations around one `#pragma omp for` loop), intrinsics on register
        values, C++ (references, structs, std::vector, std:: math).
After:  the same functions in plain C. Helpers that take or return registers are inlined, the
        others stay functions (lifted like the entry). A loop with `omp parallel for` (and each of
        the k-1 loops its collapse(k) adds) is a parallel loop in normal form
        `for (int __v_i = 0; __v_i < extent; __v_i++) { T v = __v_i * step + start; ... }`;
        loops without the pragma stay serial. A `continue` of a parallel loop becomes an if/else.
        Intrinsics become tagged loops (lift/detensorize_x86.py). A region's loop is a parallel
        loop declaring the region's variables in its body; a buffer each iteration allocates is
        a slice of one allocated before the loop (`private_buffers`).
First, regions become loops and the C++ becomes C (`as_c`: `omp_regions`, lift/cxx.py); then,
in entry functions without OpenMP pragmas (serial C), the loops the dependence analysis proves
independent get the parallel marker (xpiler/dependence.py `parallelize`); the notes of that pass
(`parallel_notes`) say which loops were bound and why.
"""
from __future__ import annotations

import dataclasses
import re

from xpiler import ir
from xpiler.constfold import fold
from xpiler.dependence import parallelize
from xpiler.irutil import binary, const, transform, walk
from xpiler.types import DType, Pointer, Scalar, Void, scalar

from .cxx import lower_cxx
from .detensorize_x86 import PARALLEL, cannot, detensorize, holds_registers
from .simt import Inliner

# clauses that do not change what a loop computes; private/reduction/lastprivate/... do
CLAUSES = {"schedule", "collapse", "num_threads", "proc_bind", "default", "shared", "simd"}
SIMD_HEADERS = {"<immintrin.h>", "<x86intrin.h>", "<zmmintrin.h>", "<omp.h>"}
INCLUDES = ("<math.h>", "<stdint.h>", "<string.h>", "<stdlib.h>")


SIMD_CONSTANT_PREFIXES = ("_CMP_", "_MM_CMPINT_", "_MM_FROUND_")


def _spell_simd_constants(n):
    """Predicate constants of immintrin.h by value: the canonical form includes no SIMD header."""
    if isinstance(n, ir.Const) and isinstance(n.text, str) and n.text.startswith(SIMD_CONSTANT_PREFIXES):
        return ir.Const(n.value, n.type, str(n.value), n.span)
    return n


def lift_vnni(module: ir.Module) -> ir.Module:
    """The canonical module of a vnni module: every defined function lifted, register helpers inlined."""
    module = parallelize(as_c(module))[0]
    inline = {f.name for f in module.functions if f.body is not None and _register_interface(f)}
    for f in module.functions:
        if f.name in inline and f.extern_c:
            raise cannot(f.span, f"the entry '{f.name}'", "its parameters or result are registers, "
                                                          "which host code cannot pass")
    functions = []
    for f in module.functions:
        if f.body is None or f.name in inline:
            continue
        body = f.body
        if inline:
            _check_inlinable_calls(body, inline)
            body = RegisterInliner(module, inline).run(transform(body, _blocks))
        body = transform(private_buffers(Loops().block(body)), _spell_simd_constants)
        functions.append(detensorize(dataclasses.replace(f, body=body)))
    for g in module.globals:
        if holds_registers(g.type):
            raise cannot(g.span, f"the file-scope register variable '{g.name}'",
                         "registers become local arrays")
    includes = tuple(dict.fromkeys([i for i in module.includes if i not in SIMD_HEADERS] + list(INCLUDES)))
    return ir.Module(ir.Platform.VNNI, tuple(functions), module.globals, includes, (), module.typedefs,
                     module.filename)


def parallel_notes(module: ir.Module) -> list[str]:
    """What `lift_vnni` bound parallel in `module` and what it left serial, with the reasons
    (one analysis: `parallelize` remembers the module)."""
    return parallelize(as_c(module))[1]


_AS_C: dict[int, tuple[ir.Module, ir.Module]] = {}


def as_c(module: ir.Module) -> ir.Module:
    """`module` with OpenMP parallel regions as parallel loops and its C++ lowered to C
    (lift/cxx.py): what the dependence analysis and the rest of the lifter read. The same object
    for the same module, so that `parallelize` analyses it once."""
    hit = _AS_C.get(id(module))
    if hit is not None and hit[0] is module:
        return hit[1]
    result = lower_cxx(omp_regions(module))
    if len(_AS_C) >= 8:
        _AS_C.pop(next(iter(_AS_C)))
    _AS_C[id(module)] = (module, result)
    return result


def _register_interface(f: ir.Function) -> bool:
    return holds_registers(f.ret) or any(holds_registers(p.type) for p in f.params)


def _check_inlinable_calls(body: ir.Block, inline: set[str]) -> None:
    for s in walk(body):
        heads = [s.cond] if isinstance(s, (ir.If, ir.While)) else \
            [s.cond, *s.init, *s.step] if isinstance(s, ir.For) else []
        for h in heads:
            for n in walk(h) if h is not None else ():
                if isinstance(n, ir.Call) and n.callee in inline:
                    raise cannot(n.span, f"the call of '{n.callee}' in a condition or loop header",
                                 "it takes or returns registers, so it is inlined before the statement")


def _blocks(s):
    """Loop and branch bodies as blocks, so that a statement can become several (inlining)."""
    def block(x):
        return x if x is None or isinstance(x, ir.Block) else ir.Block((x,), x.span)
    if isinstance(s, (ir.For, ir.While)):
        return dataclasses.replace(s, body=block(s.body))
    if isinstance(s, ir.If):
        return dataclasses.replace(s, then=block(s.then), other=block(s.other))
    return s


class RegisterInliner(Inliner):
    """Inline the helpers named in `names` (those whose parameters or result are registers)."""

    def __init__(self, module: ir.Module, names: set[str]):
        super().__init__(module)
        self.names = names

    def target(self, c: ir.Call) -> ir.Function | None:
        return self.module.function(c.callee) if c.callee in self.names else None


# ---- OpenMP parallel regions ----------------------------------------------------------------
def omp_regions(module: ir.Module) -> ir.Module:
    """`#pragma omp parallel { T x...; #pragma omp for <clauses> for (...) body }` -> the loop
    with `omp parallel for <clauses>` and the region's variables declared at the top of its body.

    A variable of the region is one per thread, used by the iterations that thread runs; one per
    iteration is the same program unless an iteration reads what an earlier iteration of its
    thread left there, which OpenMP's schedule leaves unspecified. So scalars of the region the
    loop assigns are refused (a per-thread accumulator), scratch arrays and vectors are not (the
    differential test compares against one thread running every iteration)."""
    def fix(s):
        if not isinstance(s, ir.Block) or not any(_region_pragma(x) for x in s.stmts):
            return s
        out: list[ir.Stmt] = []
        stmts = list(s.stmts)
        i = 0
        while i < len(stmts):
            x = stmts[i]
            if _region_pragma(x) and i + 1 < len(stmts) and isinstance(stmts[i + 1], ir.Block):
                out.append(_region_loop(x, stmts[i + 1]))
                i += 2
                continue
            out.append(x)
            i += 1
        return dataclasses.replace(s, stmts=tuple(out))
    return dataclasses.replace(module, functions=tuple(
        dataclasses.replace(f, body=transform(f.body, fix)) if f.body is not None else f
        for f in module.functions))


def _region_pragma(s) -> bool:
    return isinstance(s, ir.PragmaStmt) and s.text.split()[:2] == ["omp", "parallel"] \
        and s.text.split()[2:3] != ["for"]


def _region_loop(pragma: ir.PragmaStmt, region: ir.Block) -> ir.Stmt:
    why = "only a region of declarations followed by one '#pragma omp for' loop is supported"
    stmts = [x for x in region.stmts if not (isinstance(x, ir.Block) and not x.stmts)]
    if not stmts or not isinstance(stmts[-1], ir.For) or not any(p.split()[:2] == ["omp", "for"] for p in stmts[-1].pragmas):
        raise cannot(pragma.span, f"'#pragma {pragma.text}'", why)
    loop, decls = stmts[-1], stmts[:-1]
    if not all(isinstance(d, ir.Decl) and "static" not in d.storage for d in decls):
        bad = next(d for d in decls if not isinstance(d, ir.Decl) or "static" in d.storage)
        raise cannot(getattr(bad, "span", None) or pragma.span, f"this statement of '#pragma {pragma.text}'", why)
    for d in decls:
        for n in walk(d):
            if isinstance(n, ir.Call):
                raise cannot(n.span, f"the call of '{n.callee}' initialising '{d.name}' in '#pragma {pragma.text}'",
                             "the region's variables are made once per iteration")
        if isinstance(d.type, Scalar) and any(isinstance(n, ir.Assign) and _is(n.target, d.name) for n in walk(loop.body)):
            raise cannot(d.span, f"the per-thread variable '{d.name}' the loop assigns",
                         "a value carried between the iterations of one thread")
    clauses = pragma.text.split(None, 2)[2:]
    pragmas = []
    for p in loop.pragmas:
        if p.split()[:2] == ["omp", "for"]:
            p = " ".join(["omp parallel for"] + p.split()[2:] + clauses)
        pragmas.append(p)
    body = loop.body.stmts if isinstance(loop.body, ir.Block) else (loop.body,)
    names = {d.name for d in decls}
    if names & {x.name for x in body if isinstance(x, ir.Decl)}:
        body = (loop.body if isinstance(loop.body, ir.Block) else ir.Block(body),)
    return dataclasses.replace(loop, body=ir.Block(tuple(decls) + tuple(body), loop.body.span),
                               pragmas=tuple(pragmas))


def private_buffers(body: ir.Block) -> ir.Block:
    """A buffer each iteration of an outermost parallel loop allocates and frees (a region's
    std::vector made per iteration), `T* v = (T*)malloc(n * sizeof(T))` with `n` the same for
    every iteration, becomes a slice of one buffer allocated before the loop: `T* v = __v_all +
    i * n`. The same memory per iteration, and no allocation in the loop, which kernels of the
    device targets cannot make."""
    def stmt(s: ir.Stmt) -> list[ir.Stmt]:
        if isinstance(s, ir.For) and PARALLEL in s.pragmas:
            return _expand_private(s)
        if isinstance(s, ir.Block):
            return [ir.Block(tuple(x for y in s.stmts for x in stmt(y)), s.span)]
        if isinstance(s, (ir.For, ir.While)):
            return [dataclasses.replace(s, body=ir.Block(tuple(stmt(s.body)), s.body.span))]
        if isinstance(s, ir.If):
            return [dataclasses.replace(s, then=ir.Block(tuple(stmt(s.then))),
                                        other=None if s.other is None else ir.Block(tuple(stmt(s.other))))]
        return [s]
    return ir.Block(tuple(x for y in body.stmts for x in stmt(y)), body.span)


def _expand_private(loop: ir.For) -> list[ir.Stmt]:
    counter, extent = loop.init[0].name, loop.cond.right
    body = list(loop.body.stmts)
    local = {n.name for n in walk(loop.body) if isinstance(n, ir.Decl)} | {counter}
    assigned = {n.target.name for n in walk(loop.body) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)}
    before, after, hoisted = [], [], set()
    for i, s in enumerate(body):
        count = _per_iteration_buffer(s)
        if count is None or s.name in assigned or any(isinstance(n, ir.Var) and n.name in local for n in walk(count)):
            continue
        whole = ir.Var(f"{s.name}__all", s.type)
        total = binary("*", ir.Cast(extent, scalar(DType.U64)), ir.Cast(count, scalar(DType.U64)))
        nbytes = binary("*", total, ir.SizeOf(s.type.to, scalar(DType.U64)))
        before.append(ir.Decl(whole.name, s.type, ir.Cast(ir.Call("malloc", (nbytes,), Pointer(Void())), s.type),
                              span=s.span))
        offset = binary("*", ir.Cast(ir.Var(counter, loop.init[0].type), scalar(DType.I64)),
                        ir.Cast(count, scalar(DType.I64)))
        body[i] = dataclasses.replace(s, init=ir.Binary("+", whole, offset, s.type))
        after.append(ir.ExprStmt(ir.Call("free", (whole,), Void())))
        hoisted.add(s.name)
    if not hoisted:
        return [loop]

    def drop_free(n):
        if isinstance(n, ir.ExprStmt) and isinstance(n.expr, ir.Call) and n.expr.callee == "free" \
                and isinstance(n.expr.args[0], ir.Var) and n.expr.args[0].name in hoisted:
            return ir.Block(())
        return n
    new = dataclasses.replace(loop, body=transform(ir.Block(tuple(body), loop.body.span), drop_free))
    return before + [new] + after


def _per_iteration_buffer(s: ir.Stmt) -> ir.Expr | None:
    """`n` of `T* v = (T*)malloc(n * sizeof(T));`, else None."""
    if not (isinstance(s, ir.Decl) and isinstance(s.type, Pointer) and isinstance(s.init, ir.Cast)):
        return None
    call = s.init.operand
    if not (isinstance(call, ir.Call) and call.callee == "malloc" and isinstance(call.args[0], ir.Binary)):
        return None
    size = call.args[0]
    if size.op == "*" and isinstance(size.right, ir.SizeOf) and size.right.of == s.type.to:
        return size.left
    return None


# ---- OpenMP loops ---------------------------------------------------------------------------
class Loops:
    """Parallel loops to normal form; other OpenMP pragmas refused unless harmless."""

    def block(self, b: ir.Block) -> ir.Block:
        return ir.Block(tuple(self.stmt(s) for s in b.stmts), b.span)

    def sub(self, s: ir.Stmt | None) -> ir.Stmt | None:
        return None if s is None else self.stmt(s)

    def stmt(self, s: ir.Stmt) -> ir.Stmt:
        if isinstance(s, ir.Block):
            return self.block(s)
        if isinstance(s, ir.If):
            return dataclasses.replace(s, then=self.stmt(s.then), other=self.sub(s.other))
        if isinstance(s, ir.While):
            return dataclasses.replace(s, body=self.stmt(s.body))
        if isinstance(s, ir.Switch):
            return dataclasses.replace(s, cases=tuple(ir.Case(c.values, tuple(self.stmt(x) for x in c.body))
                                                      for c in s.cases))
        if isinstance(s, ir.PragmaStmt) and s.text.split()[:1] == ["omp"] \
                and s.text.split()[1:2] not in (["atomic"], ["critical"]):
            raise cannot(s.span, f"'#pragma {s.text}'",
                         "only 'omp parallel for' loops, 'omp atomic' and 'omp critical' are supported")
        if not isinstance(s, ir.For):
            return s
        omp = [p for p in s.pragmas if p.split()[:1] == ["omp"]]
        others = tuple(p for p in s.pragmas if p not in omp and p.split()[:2] != ["omp", "simd"])
        parallel = [p for p in omp if p.split()[:3] == PARALLEL.split()]
        if len(parallel) != len([p for p in omp if p.split()[:2] != ["omp", "simd"]]):
            raise cannot(s.span, f"'#pragma {omp[0]}' on a loop", "only 'omp parallel for' is supported")
        if not parallel:
            return dataclasses.replace(s, body=self.stmt(s.body), pragmas=others)
        return self.parallel(s, self.collapse(parallel[0], s.span), others)

    def collapse(self, pragma: str, span) -> int:
        k = 1
        for m in re.finditer(r"(\w+)\s*(?:\(([^()]*)\))?", pragma[len(PARALLEL):]):
            if m.group(1) not in CLAUSES:
                raise cannot(span, f"the OpenMP clause '{m.group(0)}'", "a parallel loop of the canonical "
                                   "form has independent iterations, no private copies or reductions")
            if m.group(1) == "collapse":
                if not (m.group(2) or "").strip().isdigit():
                    raise cannot(span, f"'{m.group(0)}'", "the count must be an integer literal")
                k = int(m.group(2))
        return k

    def parallel(self, s: ir.For, depth: int, others: tuple) -> ir.For:
        """`s` and the depth-1 loops nested directly in it as parallel loops in normal form."""
        if depth > 1:
            inner = s.body.stmts if isinstance(s.body, ir.Block) else (s.body,)
            if len(inner) != 1 or not isinstance(inner[0], ir.For):
                raise cannot(s.span, f"collapse({depth})", "the loops are not perfectly nested")
            body = ir.Block((self.parallel(inner[0], depth - 1, ()),))
        else:
            body = self.stmt(s.body)
            body = ir.Block(tuple(structured(list(body.stmts if isinstance(body, ir.Block) else (body,)),
                                             s.span)))
        return normal_form(dataclasses.replace(s, body=body), (PARALLEL,) + others)


def normal_form(s: ir.For, pragmas: tuple) -> ir.For:
    """`for (T v = start; v < end; v += step)` -> `for (T __v_i = 0; __v_i < extent; __v_i++)`."""
    if len(s.init) != 1 or not isinstance(s.init[0], ir.Decl) or s.init[0].init is None:
        raise cannot(s.span, "this parallel loop",
                     "its counter is not declared and initialised in its header")
    d = s.init[0]
    v, t = d.name, d.type
    if not (isinstance(t, Scalar) and t.dtype in (DType.I32, DType.I64)):
        raise cannot(s.span, "this parallel loop", f"its counter is {t.c()}, not int or long")
    end, inclusive = _bound(s.cond, v, s.span)
    step = _step(s.step, v, s.span)
    start = d.init
    span = binary("-", end, start) if fold(start) != 0 else end
    if inclusive:
        span = binary("+", span, const(1))
    extent = span if step == 1 else binary("/", binary("+", span, const(step - 1)), const(step))
    folded = fold(extent)
    if isinstance(folded, int):
        extent = const(folded)
    body = s.body.stmts if isinstance(s.body, ir.Block) else (s.body,)
    name = v
    if fold(start) != 0 or step != 1:
        name = f"__{v}_i"
        index = ir.Var(name, t)
        value = binary("*", index, const(step)) if step != 1 else index
        value = binary("+", value, start) if fold(start) != 0 else value
        body = (ir.Decl(v, t, value, span=d.span),) + tuple(body)
    counter = ir.Var(name, t)
    return ir.For((ir.Decl(name, t, const(0, t), span=d.span),), binary("<", counter, extent),
                  (ir.Assign(counter, "+", const(1, t)),), ir.Block(tuple(body), s.body.span), pragmas,
                  s.span)


def _bound(cond: ir.Expr | None, v: str, span) -> tuple[ir.Expr, bool]:
    if isinstance(cond, ir.Binary):
        if cond.op in ("<", "<=") and _is(cond.left, v) and not _uses(cond.right, v):
            return cond.right, cond.op == "<="
        if cond.op in (">", ">=") and _is(cond.right, v) and not _uses(cond.left, v):
            return cond.left, cond.op == ">="
    raise cannot(getattr(cond, "span", None) or span, "this parallel loop",
                 f"its condition is not '{v} < bound' or '{v} <= bound'")


def _step(step: tuple, v: str, span) -> int:
    if len(step) == 1 and isinstance(step[0], ir.Assign) and _is(step[0].target, v):
        a = step[0]
        amount = None
        if a.op == "+":
            amount = a.value
        elif a.op is None and isinstance(a.value, ir.Binary) and a.value.op == "+" and _is(a.value.left, v):
            amount = a.value.right
        c = fold(amount) if amount is not None else None
        if isinstance(c, int) and c > 0:
            return c
    raise cannot(span, "this parallel loop", f"its step is not '{v} += positive constant'")


def _is(e: ir.Expr, v: str) -> bool:
    while isinstance(e, ir.Cast):
        e = e.operand
    return isinstance(e, ir.Var) and e.name == v


def _uses(e: ir.Expr, v: str) -> bool:
    return any(isinstance(n, ir.Var) and n.name == v for n in walk(e))


# ---- continue in a parallel loop --------------------------------------------------------------
def _own(s: ir.Stmt):
    """Nodes of `s` outside nested loops (whose `continue`s are their own)."""
    yield s
    if isinstance(s, (ir.For, ir.While)):
        return
    for f in dataclasses.fields(s):
        v = getattr(s, f.name)
        items = v if isinstance(v, tuple) else (v,)
        for x in items:
            if isinstance(x, ir.Case):
                for y in x.body:
                    yield from _own(y)
            elif isinstance(x, ir.Stmt):
                yield from _own(x)


def _continues(stmts) -> bool:
    return any(isinstance(n, ir.Continue) for s in stmts for n in _own(s))


def _stmts(s: ir.Stmt | None) -> list[ir.Stmt]:
    return [] if s is None else list(s.stmts) if isinstance(s, ir.Block) else [s]


def structured(stmts: list[ir.Stmt], span) -> list[ir.Stmt]:
    """The body of a parallel loop without `continue`: a branch ending in `continue` takes the
    rest of the body into the other branch. Every iteration then runs to the end of the body,
    which is what every target's mapping of a parallel loop needs."""
    out: list[ir.Stmt] = []
    for i, s in enumerate(stmts):
        if not _continues([s]):
            out.append(s)
            continue
        rest = stmts[i + 1:]
        if isinstance(s, ir.Continue):
            return out
        if isinstance(s, ir.If):
            then, other = _stmts(s.then), _stmts(s.other)
            if then and isinstance(then[-1], ir.Continue) and not _continues(other):
                return out + [ir.If(s.cond, ir.Block(tuple(structured(then[:-1], span))),
                                    ir.Block(tuple(other + structured(rest, span))), s.span)]
            if other and isinstance(other[-1], ir.Continue) and not _continues(then):
                return out + [ir.If(s.cond, ir.Block(tuple(then + structured(rest, span))),
                                    ir.Block(tuple(structured(other[:-1], span))), s.span)]
        raise cannot(next((n.span for n in _own(s) if isinstance(n, ir.Continue)), span),
                 "this 'continue' of a parallel loop", "only a 'continue' ending an if branch is supported")
    return out
