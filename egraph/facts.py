"""Facts rules cannot compute, asserted by analyses before saturation.

Every relation of the prelude's fact section is defined here, with its meaning. Analyses walk the
term of a module and return egglog commands that assert facts about its subterms. Because an
e-class is shared by every occurrence of a term, a fact about `(Var "i" int)` holds for every `i`
in the module: variable ranges are therefore the union over all places that bind the name, and a
name that is assigned anywhere (other than by its own loop's step) gets no range at all.

  nonneg e        the integer value of e is >= 0
  below e n       the integer value of e is < n
  divisible e n   the integer value of e is a multiple of n (n > 0)
  free-of e v     e does not read the variable v (its value is the same for every v)
  parallel s      s is a loop whose iterations are independent: no iteration reads or writes
                  memory another iteration writes, and scalars it assigns are its own
  fits t space    an object of type t fits in `space` of the target (capacity from its .toml)

Assumptions (documented in docs/rules.md): distinct pointer parameters do not alias, and the
launch geometry respects the platform limits (threadIdx < 1024, ...).
"""
from __future__ import annotations

from dataclasses import dataclass

from xpiler import intrinsics
from xpiler.types import DType

from . import terms
from .terms import Term, to_sexpr


@dataclass(frozen=True)
class Relation:
    name: str
    sorts: tuple[str, ...]
    doc: str


RELATIONS = {r.name: r for r in [
    Relation("nonneg", ("Expr",), "the integer value of e is >= 0"),
    Relation("below", ("Expr", "i64"), "the integer value of e is < n"),
    Relation("divisible", ("Expr", "i64"), "the integer value of e is a multiple of n > 0"),
    Relation("free-of", ("Expr", "String"), "e does not read variable v"),
    Relation("parallel", ("Stmt",), "a loop whose iterations are independent"),
    Relation("fits", ("Type", "Space"), "an object of this type fits in the target's space"),
    Relation("int-type", ("Type",), "an integer scalar type (prelude)"),
    Relation("signed-int", ("Type",), "a signed integer scalar type (prelude)"),
    Relation("unsigned-int", ("Type",), "an unsigned integer scalar type (prelude)"),
    Relation("float-type", ("Type",), "a floating-point scalar type (prelude)"),
]}
TYPE_CLASSES = ("int-type", "signed-int", "unsigned-int", "float-type")

# Ranges of platform index variables (inclusive). Launches beyond these are rejected by the
# runtime (CUDA/HIP: 1024 threads per block, grid x < 2^31; BANG: 4 cores per cluster).
BUILTIN_RANGES = {
    **{f"threadIdx.{c}": (0, 1023) for c in "xyz"}, **{f"blockDim.{c}": (1, 1024) for c in "xyz"},
    "blockIdx.x": (0, 2**31 - 2), "blockIdx.y": (0, 65534), "blockIdx.z": (0, 65534),
    "gridDim.x": (1, 2**31 - 1), "gridDim.y": (1, 65535), "gridDim.z": (1, 65535),
    "warpSize": (32, 64), "coreId": (0, 3), "coreDim": (1, 4), "taskId": (0, 2**20),
    "taskDim": (1, 2**20), "taskIdX": (0, 2**20), "taskDimX": (1, 2**20), "clusterId": (0, 64),
    "clusterDim": (0, 64),
}

INT_RANGES = {d: ((-(1 << (d.bits - 1)), (1 << (d.bits - 1)) - 1) if d.is_signed else (0, (1 << d.bits) - 1))
              for d in DType if d.is_int and d is not DType.BOOL}


# what the prelude's int-max/int-min say: 64-bit unsigned capped at the i64 maximum
INT_LIMITS = {d: (lo, min(hi, 2**63 - 1)) for d, (lo, hi) in INT_RANGES.items()}


def int_dtype(t: Term) -> DType | None:
    if isinstance(t, tuple) and t[0] == "Scalar":
        d = terms.decode(t[1])
        return d if d in INT_RANGES else None
    return None


# ---- intervals -------------------------------------------------------------------------------

def interval(e: Term, env: dict) -> tuple[int, int] | None:
    """Inclusive bounds of an integer expression term, or None when unknown."""
    t = terms.type_of(e)
    d = int_dtype(t) if t is not None else None
    r = _interval(e, env)
    if r is None or d is None:
        return None
    lo, hi = INT_RANGES[d]
    return r if lo <= r[0] and r[1] <= hi else None


def _interval(e: Term, env: dict):
    op = e[0]
    if op == "Const":
        return (e[1], e[1])
    if op == "Var":
        return env.get((e[1], e[2]))
    if op == "Builtin":
        return BUILTIN_RANGES.get(e[1])
    if op == "Cast":
        return interval(e[1], env)
    if op in ("Add", "Sub", "Mul", "Div", "Mod"):
        a, b = interval(e[1], env), interval(e[2], env)
        if a is None or b is None:
            return None
        if op == "Add":
            return (a[0] + b[0], a[1] + b[1])
        if op == "Sub":
            return (a[0] - b[1], a[1] - b[0])
        if op == "Mul":
            p = [a[0] * b[0], a[0] * b[1], a[1] * b[0], a[1] * b[1]]
            return (min(p), max(p))
        if b[0] <= 0:
            return None
        if a[0] < 0:
            return None
        if op == "Div":
            return (a[0] // b[1], a[1] // b[0])
        return (0, min(a[1], b[1] - 1))
    return None


# ---- variable ranges over the whole module ---------------------------------------------------

def _walk(term):
    stack = [term]
    while stack:
        t = stack.pop()
        if isinstance(t, tuple):
            yield t
            stack.extend(c for c in t[1:] if isinstance(c, tuple))


def variable_ranges(root: Term) -> dict:
    """(name, type) -> inclusive range, for names every binder of which gives a known range."""
    binders: dict = {}
    assigned: set = set()
    for t in _walk(root):
        op = t[0]
        if op == "Loop":
            binders.setdefault((t[2], t[3]), []).append(("loop", t))
        elif op == "Let":
            binders.setdefault((t[1], t[2]), []).append(("let", t))
        elif op == "Decl":
            binders.setdefault((t[1], t[2]), []).append(("decl", t))
        elif op in ("Param",):
            binders.setdefault((t[1], t[2]), []).append(("param", t))
        elif op == "Assign" and t[1][0] == "Var":
            assigned.add((t[1][1], t[1][2]))
        elif op == "AddressOf" and t[1][0] == "Var":
            assigned.add((t[1][1], t[1][2]))     # may be written through the pointer
    env: dict = {}
    for _ in range(4):                      # ranges of declared names depend on one another
        changed = False
        for key, bs in binders.items():
            if key in assigned or key in env:
                continue
            ranges = [_binder_range(kind, b, env) for kind, b in bs]
            if all(r is not None for r in ranges):
                env[key] = (min(r[0] for r in ranges), max(r[1] for r in ranges))
                changed = True
        if not changed:
            break
    return env


def _binder_range(kind: str, b: Term, env: dict):
    if kind == "loop":
        _, _, _, _, lo, hi, step, _ = b
        lo_r, hi_r = interval(lo, env), interval(hi, env)
        if lo_r is None or hi_r is None or step[0] != "Const" or step[1] <= 0:
            return None
        return (lo_r[0], max(lo_r[0], hi_r[1] - 1))
    if kind == "let":
        return interval(b[3], env)
    if kind == "decl":
        init = b[3]
        if init[0] == "NoExpr":
            return None
        return interval(init, env)
    return None


# ---- loop independence -----------------------------------------------------------------------

PURE_FAMILIES = {"math"}


def is_parallel(loop: Term, env: dict | None = None) -> bool:
    """Whether the iterations of a Loop term are independent (a conservative syntactic test)."""
    if loop[0] != "Loop" or loop[6][0] != "Const" or loop[6][1] <= 0:
        return False
    var, vtype, body = loop[2], loop[3], loop[7]
    local = {var}
    writes: dict = {}
    for t in _walk(body):
        op = t[0]
        if op in ("Decl", "Alloc"):
            local.add(t[1])
        elif op in ("Loop", "Let"):
            local.add(t[2] if op == "Loop" else t[1])
        elif op in ("Return", "Break", "Continue", "Launch", "Barrier", "While", "For", "Switch",
                    "Call", "Deref", "AddressOf"):
            return False
        elif op == "Intr":
            entry = intrinsics.lookup(t[1])
            if entry is None or entry.family not in PURE_FAMILIES:
                return False
    for t in _walk(body):
        op = t[0]
        if op == "Assign":
            target = t[1]
            if target[0] == "Var":
                if target[1] not in local:
                    return False                 # a scalar shared by all iterations
            elif target[0] == "Index" and target[1][0] == "Var":
                writes.setdefault(target[1][1], set()).add(target[2])
            else:
                return False
        elif op == "Store":
            if t[1][0] != "Var":
                return False
            writes.setdefault(t[1][1], set()).add(t[2])
    for base, indices in writes.items():
        if base in local:
            continue                              # an array private to the iteration
        if len(indices) != 1:
            return False
        (index,) = indices
        if not _injective(index, var, vtype, local, env or {}):
            return False
        for t in _walk(body):                     # every access to `base` uses that index
            if t[0] in ("Index", "Store") and t[1][0] == "Var" and t[1][1] == base and t[2] != index:
                return False
            if t[0] == "Var" and t[1] == base and not _only_indexed(body, base):
                return False
    return True


def _only_indexed(body: Term, base: str) -> bool:
    """`base` appears only as the base of an Index/Store (never passed or aliased)."""
    count_all = sum(1 for t in _walk(body) if t[0] == "Var" and t[1] == base)
    count_indexed = sum(1 for t in _walk(body) if t[0] in ("Index", "Store") and t[1][0] == "Var"
                        and t[1][1] == base)
    return count_all == count_indexed


def _linear(e: Term):
    """e as a list of (coefficient, atom) with integer coefficients, or None."""
    op = e[0]
    if op == "Const":
        return [(e[1], None)]
    if op in ("Add", "Sub"):
        a, b = _linear(e[1]), _linear(e[2])
        if a is None or b is None:
            return None
        return a + ([(-c, x) for c, x in b] if op == "Sub" else b)
    if op == "Mul":
        for k, other in ((e[2], e[1]), (e[1], e[2])):
            if k[0] == "Const":
                inner = _linear(other)
                return None if inner is None else [(c * k[1], x) for c, x in inner]
        return [(1, e)]
    if op == "Cast":
        return _linear(e[1])
    return [(1, e)]


def _mentions(e: Term, names: set) -> bool:
    return any(t[0] == "Var" and t[1] in names for t in _walk(e))


def _injective(index: Term, var: str, vtype: Term, local: set, env: dict) -> bool:
    """index = c*var + rest with rest in [0, |c|) for every iteration, rest not depending on var."""
    form = _linear(index)
    if form is None:
        return False
    v = ("Var", var, vtype)
    coeff = sum(c for c, x in form if x == v)
    rest = [(c, x) for c, x in form if x != v]
    if coeff == 0 or any(x is not None and _mentions(x, {var}) for _, x in rest):
        return False
    inner = [(c, x) for c, x in rest if x is not None and _mentions(x, local)]
    if not inner:
        return True                               # rest is the same in every iteration
    lo = hi = 0
    for c, x in inner:
        r = interval(x, env)
        if r is None:
            return False
        lo += min(c * r[0], c * r[1])
        hi += max(c * r[0], c * r[1])
    return 0 <= lo and hi < abs(coeff)


# ---- the fact commands for a module ----------------------------------------------------------

def analyse(root: Term, split_factors: tuple[int, ...] = (2, 4, 8, 16), capacities: dict | None = None) -> list[str]:
    """egglog commands asserting every fact the analyses find in `root`."""
    env = variable_ranges(root)
    out: list[str] = []
    seen: set = set()

    def emit(text: str):
        if text not in seen:
            seen.add(text)
            out.append(text)

    def visit(t: Term, loops: tuple):
        op = t[0]
        if op == "Loop":
            if is_parallel(t, env):
                emit(f"(parallel {to_sexpr(t)})")
            for bound in (t[4], t[5]):
                for v in loops:
                    if not _mentions(bound, {v}):
                        emit(f"(free-of {to_sexpr(bound)} {terms.literal(v)})")
            hi = t[5]
            r = interval(hi, env)
            if r is not None and r[0] == r[1] and r[0] > 0:
                for f in split_factors:
                    if r[0] % f == 0:
                        emit(f"(divisible {to_sexpr(hi)} {f})")
            loops = loops + (t[2],)
        if op in terms.BINARY_NAMES or op in ("Var", "Builtin", "Cast"):
            r = interval(t, env)
            if r is not None and op != "Const":
                text = to_sexpr(t)
                if r[0] >= 0:
                    emit(f"(nonneg {text})")
                emit(f"(below {text} {r[1] + 1})")
        if op == "Alloc" and capacities:
            size = _bytes(t[2])
            for space, cap in capacities.items():
                if size is not None and size <= cap:
                    emit(f"(fits {to_sexpr(t[2])} ({terms.enum_ctor(space)}))")
        for c in t[1:]:
            if isinstance(c, tuple):
                visit(c, loops)

    visit(root, ())
    return out


def _bytes(t: Term) -> int | None:
    from xpiler.types import sizeof
    try:
        return sizeof(terms.decode(t))
    except (ValueError, TypeError, KeyError):
        return None
