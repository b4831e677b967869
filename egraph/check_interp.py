"""Verify a statement rewrite by running both sides in the interpreter on small concrete shapes.

Each pattern variable gets concrete values: loop index names, `int` for types, small constants
or a size parameter `n` for expressions, loop bodies from a library of shapes over the loop
indices in scope (independent map, loop-carried dependence, order-sensitive reduction, branch,
two stores) and so on. Side conditions are decided by the same analyses that assert facts
before saturation (egraph/facts.py), so an instance the analysis would not vouch for is not
used. Both sides become the body of `void f(int* out, int* out2, int* acc, const int* inp,
int n)` and run on random inputs; every array must come out the same. Parallel loops (Par,
OpenMP, bound, vectorised) run forward and backward: a parallel right side must not depend on
the order; a left side that does is not a valid instance.
"""
from __future__ import annotations

import itertools
import random
import warnings
from dataclasses import replace

import numpy as np

from xpiler import ir, types
from xpiler.diagnostics import XpilerError
from xpiler.interp import Interpreter
from xpiler.printer import Printer

from . import facts, terms
from .rulespec import Rewrite, Unsupported, is_var
from .sexpr import Lit, SList, show

I32 = ("Scalar", ("DType.I32",))
PTR = ("Pointer", I32, ("Space.GENERIC",), False, False)
BUFFERS = ("out", "out2", "acc", "inp")
STRIDE = 32
MAX_TRIES = 600
MAX_RUNS = 12
PARALLEL_PRAGMAS = ("omp parallel", "omp simd", terms.BIND_PRAGMA.strip(), "omp for")


def c(n: int) -> tuple:
    return ("Const", n, I32, "")


def var(name: str) -> tuple:
    return ("Var", name, I32)


def buf(name: str) -> tuple:
    return ("Var", name, PTR)


def _list(items, nil="SNil", cons="SCons"):
    out: tuple = (nil,)
    for x in reversed(items):
        out = (cons, x, out)
    return out


def block(*stmts) -> tuple:
    return ("Block", _list(stmts))


def store(b: str, index, value) -> tuple:
    return ("Store", buf(b), index, I32, value)


def load(b: str, index) -> tuple:
    return ("Index", buf(b), index, I32)


def add(a, b):
    return ("Add", a, b, I32)


def mul(a, b):
    return ("Mul", a, b, I32)


def lin(names: list[str]):
    """An injective index over the loop indices in scope (each below STRIDE)."""
    if not names:
        return c(3)
    e = var(names[0])
    for n in names[1:]:
        e = add(mul(e, c(STRIDE)), var(n))
    return e


def shapes(names: list[str]) -> list[tuple]:
    i = lin(names)
    last = var(names[-1]) if names else c(1)
    return [
        block(store("out", i, add(mul(load("inp", i), c(3)), last))),                   # map
        block(store("out", add(i, c(1)), add(mul(load("out", i), c(2)), load("inp", i)))),  # carried
        block(store("acc", c(0), add(mul(load("acc", c(0)), c(3)), load("inp", i)))),   # reduction
        block(("If", ("Lt", last, c(5), ("Scalar", ("DType.BOOL",))),
               block(store("out", i, add(load("inp", i), c(1)))),
               block(store("out2", i, add(load("inp", i), c(-1)))))),                   # branch
        block(store("out", i, add(load("inp", i), last)),
              store("out2", i, mul(load("out", i), c(2)))),                             # two stores
        block(store("out", add(i, c(STRIDE)),
                    add(mul(load("out", add(i, c(1))), c(2)), load("inp", i)))),        # diagonal
    ]


# ---- instantiation ---------------------------------------------------------------------------

def _roles(rw: Rewrite) -> tuple[dict, dict]:
    """Where each variable first sits in the left side (constructor field), and the loop
    indices in scope of each statement variable."""
    roles: dict = {}
    scopes: dict = {}

    def visit(p, scope: tuple):
        if not isinstance(p, SList):
            return
        head = str(p[0])
        ctor = terms.SCHEMA.get(head)
        if ctor is None:
            return
        inner = scope
        if head in ("Loop", "Let"):
            inner = scope + (p[2] if head == "Loop" else p[1],)
        for child, (fname, sort) in zip(p[1:], ctor.fields):
            if is_var(child):
                roles.setdefault(str(child), (head, fname))
                if sort in ("Stmt", "StmtList"):
                    scopes.setdefault(str(child), inner if fname == "body" else scope)
            visit(child, inner if fname == "body" else scope)

    visit(rw.lhs, ())
    return roles, scopes


def _candidates(name: str, sort: str, role: tuple | None) -> list:
    field = role[1] if role else None
    if sort == "Type":
        return [I32]
    if sort == "LoopKind":
        return [("Serial",), ("Par",)]
    if sort == "Space":
        return [("Space.LOCAL",)]
    if sort == "Axis":
        return [("Axis.THREAD_X",)]
    if sort == "bool":
        return [False, True]
    if sort == "f64":
        return [0.0, 1.0, 2.5]
    if sort == "i64":
        return [0, 1, 2, 3, 4, 5, 6, 8, 12, 16, 17, 64]
    if sort == "String":
        if field == "clauses":
            return ["parallel for"]
        return [""]
    if sort == "Expr":
        if field == "lo":
            return [c(0), c(0), c(1), c(2)]
        if field == "hi":
            return [c(0), c(1), c(2), c(3), c(3), c(4), c(4), c(5), c(6), c(8), c(12), c(16), var("n")]
        if field == "step":
            return [c(1), c(1), c(2), c(3)]
        return [c(3), var("n"), load("inp", c(1))]
    if sort == "StmtList":
        return [("SNil",), _list([store("out2", c(0), add(load("out2", c(0)), c(1)))])]
    raise Unsupported(f"no test values for a variable of sort {sort}")


def _names(rw: Rewrite, roles: dict) -> dict:
    """Distinct index names for String variables that name loop or Let indices."""
    out = {}
    pool = iter(["i", "j", "k", "m", "p", "q"])
    for v, sort in rw.sorts.items():
        if sort == "String" and roles.get(v, (None, None))[1] == "var":
            out[v] = next(pool)
    return out


def instantiate(p, env: dict):
    """The concrete term of a pattern (primitives evaluated as egglog would)."""
    if isinstance(p, SList):
        head = str(p[0])
        args = [instantiate(x, env) for x in p[1:]]
        if head in terms.SCHEMA:
            return (head,) + tuple(args)
        return _primitive(head, args)
    if isinstance(p, Lit):
        return str(p)
    if isinstance(p, bool) or isinstance(p, (int, float)):
        return p
    if p in ("true", "false"):
        return p == "true"
    if is_var(p):
        if str(p) not in env:
            raise Unsupported(f"variable {p} has no value")
        return env[str(p)]
    raise Unsupported(f"cannot instantiate {show(p)}")


def _primitive(head: str, args: list):
    if head in ("int-max", "int-min"):
        d = terms.decode(args[0][1]) if args[0][0] == "Scalar" else None
        if d not in facts.INT_LIMITS:
            raise Unsupported(f"({head}) of a non-integer type")
        return facts.INT_LIMITS[d][1 if head == "int-max" else 0]
    a = args
    if head == "+":
        return a[0] + a[1]
    if head == "-":
        return a[0] - a[1]
    if head == "*":
        return a[0] * a[1]
    if head in ("/", "%"):
        if a[1] == 0:
            raise ZeroDivisionError
        q = abs(a[0]) // abs(a[1]) * (1 if (a[0] >= 0) == (a[1] > 0) else -1)
        return q if head == "/" else a[0] - a[1] * q
    if head in ("min", "max"):
        return min(a) if head == "min" else max(a)
    table = {"<": lambda: a[0] < a[1], ">": lambda: a[0] > a[1], "<=": lambda: a[0] <= a[1],
             ">=": lambda: a[0] >= a[1], "=": lambda: a[0] == a[1], "!=": lambda: a[0] != a[1]}
    if head in table:
        return table[head]()
    raise Unsupported(f"primitive {head}")


def _holds(cond, env: dict, ranges: dict) -> bool:
    head = str(cond[0])
    if head == "=" and isinstance(cond[1], SList) and cond[1][0] == "type-of":
        return terms.type_of(instantiate(cond[1][1], env)) == instantiate(cond[2], env)
    if head == "=" and is_var(cond[1]) and str(cond[1]) not in env:
        env[str(cond[1])] = instantiate(cond[2], env)
        return True
    args = [instantiate(x, env) for x in cond[1:]]
    if head in ("int-type", "signed-int", "unsigned-int", "float-type"):
        t = args[0]
        d = terms.decode(t[1]) if isinstance(t, tuple) and t[0] == "Scalar" else None
        if d is None:
            return False
        return {"int-type": d.is_int and d is not types.DType.BOOL, "float-type": d.is_float,
                "signed-int": d.is_int and d.is_signed and d is not types.DType.BOOL,
                "unsigned-int": d.is_int and not d.is_signed and d is not types.DType.BOOL}[head]
    if head in ("nonneg", "below", "divisible"):
        r = facts.interval(args[0], ranges)
        if r is None:
            return False
        if head == "nonneg":
            return r[0] >= 0
        if head == "below":
            return r[1] < args[1]
        return r[0] == r[1] and args[1] > 0 and r[0] % args[1] == 0
    if head == "free-of":
        return not facts._mentions(args[0], {args[1]})
    if head == "parallel":
        return facts.is_parallel(args[0], ranges)
    if head in ("fits",):
        return False
    return bool(_primitive(head, args))


def environments(rw: Rewrite, seed: int = 0):
    """Yield (env, lhs term, rhs term) for instances that satisfy the side conditions."""
    roles, scopes = _roles(rw)
    names = _names(rw, roles)
    free = [v for v in rw.sorts if v not in names and v != rw.alias and v != "_"]
    stmt_vars = [v for v in free if rw.sorts[v] == "Stmt"]
    other = [v for v in free if rw.sorts[v] != "Stmt"]
    pools = {v: _candidates(v, rw.sorts[v], roles.get(v)) for v in other}
    # variables bound only by a side condition (amax in (below a amax)) get values from it
    cond_bound = {v for v in other if v not in roles}
    rng = random.Random(seed)
    seen = set()
    want = 0                                 # the shape the next instance should use
    for attempt in range(MAX_TRIES):
        env = dict(names)
        for v in other:
            env[v] = rng.choice(pools[v])
        for k, v in enumerate(stmt_vars):
            scope = [names.get(str(s), str(s)) for s in scopes.get(v, ())]
            options = shapes(scope)
            env[v] = options[(want + k + attempt // 25) % len(options)]   # move on from a shape
                                                                            # that never fits
        try:
            lhs = instantiate(rw.lhs, env)
            if rw.alias:
                env[rw.alias] = lhs
            ranges = facts.variable_ranges(lhs)
            ok = True
            for cond in rw.conds:
                if isinstance(cond, SList) and str(cond[0]) in ("below",) and is_var(cond[2]) \
                        and str(cond[2]) in cond_bound:
                    r = facts.interval(instantiate(cond[1], env), ranges)
                    if r is None:
                        ok = False
                        break
                    env[str(cond[2])] = r[1] + 1        # the tightest bound the analysis gives
                if not _holds(cond, env, ranges):
                    ok = False
                    break
            if not ok:
                continue
            rhs = instantiate(rw.rhs, env)
        except (ZeroDivisionError, KeyError, ValueError, TypeError):
            continue
        key = terms.to_sexpr(lhs)
        if key in seen:
            continue
        seen.add(key)
        want += 1
        yield env, lhs, rhs


# ---- running ---------------------------------------------------------------------------------

MODES = ("as written", "serial forward", "serial backward")


def program(stmt_term, mode: str = "as written") -> ir.Module:
    """A host function running the statement; parallel loops as the interpreter runs them
    (iterations as lanes), or serially forward, or serially backward."""
    stmt = terms.decode(stmt_term)
    if isinstance(stmt, tuple):
        stmt = ir.Block(stmt)
    if mode != "as written":
        stmt = _serial(stmt, backward=mode == "serial backward")
    ptr = types.Pointer(types.I32)
    params = tuple(ir.Param(b, ptr) for b in BUFFERS) + (ir.Param("n", types.I32),)
    fn = ir.Function("f", ir.FuncKind.KERNEL, types.Void(), params, ir.Block((stmt,)), extern_c=True)
    return ir.Module(ir.Platform.VNNI, (fn,))


def _serial(node, backward: bool):
    """Parallel loops run serially, from the first index up or from the last index down."""
    from xpiler.irutil import transform

    def fn(n):
        if not (isinstance(n, ir.For) and n.pragmas and any(p.startswith(PARALLEL_PRAGMAS) for p in n.pragmas)):
            return n
        if not backward:
            return replace(n, pragmas=())
        d, cond, st = n.init[0], n.cond, n.step[0]
        lo, hi, step = d.init, cond.right, st.value
        t = d.type
        one = ir.Const(1, types.I32)
        last = ir.Binary("+", lo, ir.Binary("*", ir.Binary("/", ir.Binary("-", ir.Binary("-", hi, one, t), lo, t),
                                                            step, t), step, t), t)
        v = ir.Var(d.name, t)
        guard = ir.Binary("&&", ir.Binary(">=", v, lo, types.BOOL), ir.Binary("<", lo, hi, types.BOOL), types.BOOL)
        return ir.For((replace(d, init=last),), guard, (ir.Assign(v, "-", step),), n.body, ())
    return transform(node, fn)


def run(stmt_term, inputs: dict, mode: str = "as written") -> dict:
    module = program(stmt_term, mode)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        return Interpreter(module).run("f", {k: (v.copy() if isinstance(v, np.ndarray) else v)
                                             for k, v in inputs.items()})


def _inputs(rng: np.random.Generator, size: int) -> dict:
    out = {b: rng.integers(-50, 50, size, dtype=np.int32) for b in BUFFERS}
    out["n"] = np.int32(rng.integers(0, 13))
    return out


def _diff(a: dict, b: dict) -> str | None:
    for k in a:
        if not np.array_equal(a[k], b[k]):
            i = int(np.flatnonzero(a[k] != b[k])[0])
            return f"{k}[{i}]: left {a[k][i]}, right {b[k][i]}"
    return None


def _c(term) -> str:
    node = terms.decode(term)
    return Printer().stmt(node, 2) if isinstance(node, ir.Stmt) else str(node)


def check(rw: Rewrite, seed: int = 0) -> tuple[bool, str, str]:
    """(ok, method, detail): run both sides on every instance found (at most MAX_RUNS)."""
    rng = np.random.default_rng(seed)
    runs = 0
    for env, lhs, rhs in itertools.islice(environments(rw, seed), MAX_TRIES):
        depth = 1 + sum(1 for x in terms_walk(lhs) if x[0] in ("Loop", "Let"))
        size = STRIDE ** min(depth, 3) + 64
        inputs = _inputs(rng, size)
        try:
            left = run(lhs, inputs, "serial forward")
            if any(_diff(left, run(lhs, inputs, mode)) is not None for mode in MODES[::2]):
                continue                    # the left side itself depends on parallel order
        except XpilerError:
            continue
        for mode in MODES:
            try:
                right = run(rhs, inputs, mode)
            except XpilerError as e:
                return False, "interpreter", _report(lhs, rhs, inputs, f"the right side fails: {e.message}")
            d = _diff(left, right)
            if d is not None:
                return False, "interpreter", _report(lhs, rhs, inputs, f"{d} (parallel loops {mode})")
        runs += 1
        if runs >= MAX_RUNS:
            break
    if runs == 0:
        return False, "interpreter", "no test instance satisfies the side conditions"
    return True, f"interpreter, {runs} instances x {len(MODES)} loop orders", ""


def _report(lhs, rhs, inputs, what: str) -> str:
    return (f"counterexample (n = {int(inputs['n'])}): {what}\n  left:\n{_c(lhs)}\n  right:\n{_c(rhs)}")


def terms_walk(t):
    stack = [t]
    while stack:
        x = stack.pop()
        if isinstance(x, tuple):
            yield x
            stack.extend(y for y in x[1:] if isinstance(y, tuple))
