"""Extents of a kernel's pointer parameters as expressions of its size parameters, synthesized
from interpreter runs.

A vnni kernel takes `const float* a, int n` and nothing says that `a` holds `n` elements, yet a
device port must copy exactly that many. We run the source in the interpreter on several random
size draws (`measured_run`: arrays far larger than needed; the run records the highest element each
array touched), then search for the simplest formula that reproduces every observed extent:
`c*m + d` or `c1*m1 + c2*m2 + d` with integer coefficients, where the `m` are products of up to
four "atoms" (the integer parameters, and the host entry's integer constants computed from them
before its first parallel loop, such as `OH = (H - K) / S + 1`). A formula is accepted only when
it matches all draws and the draws outnumber its unknowns by two; otherwise the extent is left
unknown (typically data-dependent, as in a gather whose table size the indices decide) and the
caller refuses with a positioned error. The translation built on the formula is then checked by
the differential test on fresh sizes, where a wrong extent shows up as an out-of-bounds access.
"""
from __future__ import annotations

import itertools
import time

import numpy as np

from xpiler import ir
from xpiler.constfold import fold
from xpiler.irutil import transform, walk
from xpiler.types import BOOL, I64, Scalar

from .differential import Program, measured_run, size_params

MAX_DEGREE = 4
PROBES = 7                    # draws that touch an array, wanted per array (at most)
MIN_DRAWS = 4                 # draws made even past the time budget (a line needs four)
SIZE_RANGE = (1, 10)          # small draws: probes are whole interpreter runs


def atoms(entry: ir.Function) -> dict[str, ir.Expr]:
    """name -> expression over the integer parameters: the parameters themselves, and integer
    constants the entry declares at top level before its first parallel loop."""
    found: dict[str, ir.Expr] = {p.name: ir.Var(p.name, p.type) for p in entry.params
                                 if isinstance(p.type, Scalar) and p.type.dtype.is_int}
    for s in entry.body.stmts:
        if isinstance(s, ir.For) and any(p.startswith("omp parallel") for p in s.pragmas):
            break
        if isinstance(s, ir.Decl) and isinstance(s.type, Scalar) and s.type.dtype.is_int and s.init is not None:
            names = {n.name for n in walk(s.init) if isinstance(n, ir.Var)}
            if names <= set(found) and not any(isinstance(n, ir.Call) for n in walk(s.init)):
                found.setdefault(s.name, _inline(s.init, found))
    # constants a kernel body computes from the sizes (`const int OH = (H + 1) / 2;` in each
    # thread of a lifted kernel): the same value wherever it is computed, if it is declared
    # once and never assigned
    decls = [n for n in walk(entry.body) if isinstance(n, ir.Decl)]
    once = {n for n in {d.name for d in decls} if sum(d.name == n for d in decls) == 1}
    assigned = {n.target.name for n in walk(entry.body) if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)}
    for d in decls:
        if d.name in found or d.name not in once or d.name in assigned or d.init is None or \
                not (isinstance(d.type, Scalar) and d.type.dtype.is_int):
            continue
        names = {n.name for n in walk(d.init) if isinstance(n, ir.Var)}
        if names and names <= set(found) and not any(isinstance(n, (ir.Call, ir.Index, ir.Deref, ir.Builtin))
                                                     for n in walk(d.init)):
            found[d.name] = _inline(d.init, found)
    return found


def _inline(e: ir.Expr, env: dict[str, ir.Expr]) -> ir.Expr:
    return transform(e, lambda n: env[n.name] if isinstance(n, ir.Var) and n.name in env and
                     not isinstance(env[n.name], ir.Var) else n)


def evaluate(e: ir.Expr, values: dict[str, int]) -> int | None:
    bound = transform(e, lambda n: ir.Const(int(values[n.name]), n.type) if isinstance(n, ir.Var) and n.name in values
                      else n)
    v = fold(bound)
    return None if v is None else int(v)


def infer_extents(source: Program, entry: ir.Function, names: list[str], seed: int = 0,
                  budget_s: float = 12.0) -> dict[str, ir.Expr]:
    """Extents (element counts, as expressions over `entry`'s parameters) of the pointer
    parameters `names` of `entry`, whose parameters match `source`'s by position."""
    if not names:
        return {}
    to_source = {pe.name: ps.name for pe, ps in zip(entry.params, source.params)}
    sizes = size_params(source.entry)
    atom_exprs = atoms(entry)
    rng = np.random.default_rng(seed + 7919)
    rows: list[dict[str, int]] = []
    seen: list[dict] = []
    observed: dict[str, list[int]] = {n: [] for n in names}
    start = time.perf_counter()
    for attempt in range(PROBES * 6):
        spent = time.perf_counter() - start
        enough = all(sum(1 for e in observed[n] if e > 0) >= PROBES for n in names)
        if enough or _settled(observed, rows, atom_exprs) or spent > 3 * budget_s or \
                (spent > budget_s and len(rows) >= MIN_DRAWS):
            break
        # small sizes first (a slow kernel still gets enough draws within the budget), widening
        high = min(SIZE_RANGE[1], SIZE_RANGE[0] + 2 + attempt)
        for _ in range(8):                        # a point already drawn says nothing new
            drawn = {n: int(rng.integers(SIZE_RANGE[0], high + 1)) for n in sizes}
            if drawn not in seen:
                break
        seen.append(drawn)
        run = measured_run(source, drawn, np.random.default_rng(seed + attempt))
        if attempt == 0:
            start = time.perf_counter()       # the first run pays the program's one-time analysis
        if run is None:
            continue
        values = {pe: drawn[ps] for pe, ps in to_source.items() if ps in drawn}
        row = {}
        for a, e in atom_exprs.items():
            v = evaluate(e, values)
            if v is not None:
                row[a] = v
        rows.append(row)
        for n in names:
            observed[n].append(int(run.extents[to_source[n]]))
    usable = [a for a in atom_exprs if all(a in r for r in rows)]
    out = {}
    for n in names:
        keep, formula = _fitted(observed[n], rows, usable)
        if formula is not None:
            e = expression(formula, [atom_exprs[a] for a in usable])
            if len(keep) < len(rows):                     # clamp where the formula may go negative
                zero = ir.Const(0, I64, "0LL")
                e = ir.Ternary(ir.Binary(">", e, zero, BOOL), e, zero, I64)
            out[n] = e
    return out


def _fitted(observed: list[int], rows: list[dict[str, int]], usable: list[str]):
    """(the draws that touched the array, the formula fitted to them or None): draws that leave
    an array untouched (an empty output, say) say nothing of its extent."""
    keep = [i for i, e in enumerate(observed) if e > 0]
    return keep, fit([[rows[i][a] for a in usable] for i in keep], [observed[i] for i in keep])


def _settled(observed: dict[str, list[int]], rows: list[dict[str, int]], atom_exprs: dict) -> bool:
    """Whether every array's extent is fitted by enough draws to stop drawing: the formula's
    unknowns plus two (fit's own rule) plus one more per atom beyond the first, at most PROBES —
    with one size, four draws pin a line; with several, chance fits among the many monomials
    need more draws to rule out — and every atom took three values or more among them (an atom
    that stayed constant, say OH = (H - 1) / 2 + 1 over draws of H in 1..2, is invisible to any
    formula: N * C * OW fits there as well as N * OH * OW * C)."""
    usable = [a for a in atom_exprs if all(a in r for r in rows)]
    for extents in observed.values():
        keep, formula = _fitted(extents, rows, usable) if sum(e > 0 for e in extents) >= MIN_DRAWS else ([], None)
        if formula is None or not _exact(formula, [rows[i] for i in keep], usable, [extents[i] for i in keep]):
            return False                      # (robust_fit's formulas may miss draws: draw on)
        if any(len({rows[i][a] for i in keep}) < 3 for a in usable):
            return False
        unknowns = len(formula[0]) + 1
        if len(keep) < min(PROBES, unknowns + 2 + max(0, len(usable) - 1)):
            return False
    return True


def _exact(formula, rows: list[dict[str, int]], usable: list[str], extents: list[int]) -> bool:
    terms, constant = formula
    for row, e in zip(rows, extents):
        values = [row[a] for a in usable]
        if sum(c * int(np.prod([values[i] for i in m])) for c, m in terms) + constant != e:
            return False
    return True


def monomials(n_atoms: int, degree: int) -> list[tuple[int, ...]]:
    return [m for d in range(1, degree + 1) for m in itertools.combinations_with_replacement(range(n_atoms), d)]


def fit(atom_values: list[list[int]], extents: list[int]):
    """((coef, monomial), ...), constant) reproducing every extent, simplest first; or None."""
    if not extents:
        return None
    y = np.asarray(extents, dtype=np.float64)
    x = np.asarray(atom_values, dtype=np.float64).reshape(len(extents), -1)
    if np.all(y == y[0]):
        return ((), int(y[0])) if len(y) >= 3 else None
    cols = {}
    for m in monomials(x.shape[1], MAX_DEGREE):
        col = np.prod(x[:, list(m)], axis=1)
        key = col.tobytes()
        if key not in cols and np.ptp(col) > 0:
            cols[key] = (m, col)
    cands = list(cols.values())
    ones = np.ones_like(y)
    for terms in (1, 2):
        if len(y) < terms + 1 + 2:
            return None
        best = None
        pool = cands if terms == 1 else [c for c in cands if len(c[0]) <= MAX_DEGREE - 1]
        for combo in itertools.combinations(pool, terms):
            a = np.column_stack([c for _, c in combo] + [ones])
            coef, *_ = np.linalg.lstsq(a, y, rcond=None)
            r = np.round(coef)
            if np.any(r[:-1] == 0) or not np.array_equal(a @ r, y):
                continue
            score = (sum(len(m) for m, _ in combo), abs(r[-1]) != 0, float(np.abs(r).sum()))
            if best is None or score < best[0]:
                best = (score, tuple((int(c), m) for c, (m, _) in zip(r[:-1], combo)), int(r[-1]))
        if best is not None:
            return best[1], best[2]
    return robust_fit(cands, y)


def robust_fit(cands, y: np.ndarray):
    """`c*m + d` matching all but a few draws (at most a quarter, at least 5 matching): draws
    that break a kernel's precondition among its sizes (a head count that the group count does
    not divide) touch more or less than a valid caller passes. The differential test later skips
    the draws where the source touches more than the formula allows."""
    need = max(5, int(np.ceil(0.75 * len(y))))
    if len(y) < need:
        return None
    best = None
    pairs = [(i, j) for i in range(len(y)) for j in range(i + 1, len(y))]
    for m, col in cands:
        for i, j in pairs:
            if col[i] == col[j] or (y[i] - y[j]) % (col[i] - col[j]):
                continue
            c = (y[i] - y[j]) // (col[i] - col[j])
            d = y[i] - c * col[i]
            hits = int(np.sum(c * col + d == y))
            if c != 0 and hits >= need:
                score = (-hits, len(m), d != 0)
                if best is None or score < best[0]:
                    best = (score, ((int(c), m),), int(d))
    return None if best is None else (best[1], best[2])


def expression(formula, atom_exprs: list[ir.Expr]) -> ir.Expr:
    """The C expression of a fitted formula, computed in 64-bit."""
    terms, constant = formula

    def wide(e):
        return ir.Cast(e, I64) if e.type != I64 else e

    def c(v):
        return ir.Const(v, I64, f"{v}LL")
    out = None
    for coef, mono in terms:
        t = None
        for i in mono:
            t = wide(atom_exprs[i]) if t is None else ir.Binary("*", t, wide(atom_exprs[i]), I64)
        if coef != 1:
            t = ir.Binary("*", c(coef), t, I64)
        out = t if out is None else ir.Binary("+", out, t, I64)
    if out is None:
        return c(constant)
    if constant:
        out = ir.Binary("+" if constant > 0 else "-", out, c(abs(constant)), I64)
    return out
