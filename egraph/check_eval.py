"""Verify an expression rewrite z3 cannot model (intrinsic calls) by evaluating both sides.

Each typing the side conditions allow (see check_z3.instances) gets a loop over 256 random
inputs per expression variable, edge values included (+-0, +-inf, NaN, extremes of the type);
`left[k] = L; right[k] = R` runs in the interpreter and the two arrays must agree bit for bit
(any NaN matches any NaN; a rule marked @float-reassoc gets a relative tolerance of 1e-4).
"""
from __future__ import annotations

import warnings

import numpy as np

from xpiler import ir, types
from xpiler.diagnostics import XpilerError
from xpiler.interp import Interpreter

from . import facts, terms
from .check_interp import I32, c, instantiate
from .rulespec import Rewrite, Unsupported
from .check_z3 import Model, instances
from .sexpr import SList, show


SAMPLES = 256


def _specials(d: types.DType, rng: np.random.Generator, n: int) -> np.ndarray:
    """Random values of an element type, with its edge cases mixed in."""
    if d.is_float:
        pool = np.array([0.0, -0.0, 1.0, -1.0, 0.5, np.inf, -np.inf, np.nan, 1e-30, 1e30, 3.0e38,
                         -3.0e38, 1e-40], dtype=np.float64)
        vals = np.where(rng.random(n) < 0.3, rng.choice(pool, n),
                        rng.normal(0, 10, n) * 10.0 ** rng.integers(-6, 7, n))
        with np.errstate(all="ignore"):
            return vals.astype(d.np)
    lo, hi = facts.INT_RANGES[d]
    edges = np.array([0, 1, -1, lo, hi, lo + 1, hi - 1], dtype=np.float64)
    small = rng.integers(-64, 65, n).astype(np.float64)
    big = rng.integers(max(lo, -2**62), min(hi, 2**62), n, dtype=np.int64).astype(np.float64)
    vals = np.where(rng.random(n) < 0.2, rng.choice(edges, n), np.where(rng.random(n) < 0.5, small, big))
    return np.clip(vals, lo, hi).astype(d.np)


def _same(a: np.ndarray, b: np.ndarray, d: types.DType, tolerant: bool) -> np.ndarray:
    if not d.is_float:
        return a == b
    both_nan = np.isnan(a) & np.isnan(b)
    if tolerant:
        with np.errstate(all="ignore"):
            return both_nan | np.isclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-4, atol=1e-6)
    bits = a.view(np.uint16 if a.itemsize == 2 else np.uint32 if a.itemsize == 4 else np.uint64)
    bbits = b.view(bits.dtype)
    return both_nan | (bits == bbits)


def check(rw: Rewrite, marks: tuple = (), seed: int = 0) -> tuple[bool, str, str]:
    """Run both sides element-wise on random inputs (edge values included) for every typing."""
    rng = np.random.default_rng(seed)
    tested = 0
    for sigma in instances(rw):
        m = Model(rw, sigma, reals=False)
        try:
            if not all(m.condition(cnd) for cnd in rw.conds if _static_condition(cnd)):
                continue
        except Unsupported:
            continue
        if any(not _static_condition(cnd) for cnd in rw.conds):
            raise Unsupported("facts about values (nonneg, below, ...) are not tested by running; "
                              "write the rule without intrinsic calls so that z3 can prove it")
        env, params, inputs = {}, [], {}
        k = ("Var", "k", I32)
        for v, sort in rw.sorts.items():
            if sort == "Expr" and v != rw.alias:
                d = m.var_types.get(v)
                if d is None:
                    raise Unsupported(f"cannot tell the type of {v}; say it with (= (type-of {v}) t)")
                t = ("Scalar", (terms.enum_ctor(d),))
                env[v] = ("Index", ("Var", f"in_{v}", ("Pointer", t, ("Space.GENERIC",), False, False)), k, t)
                params.append(ir.Param(f"in_{v}", types.Pointer(types.scalar(d))))
                inputs[f"in_{v}"] = _specials(d, rng, SAMPLES)
            elif sort == "Type":
                env[v] = ("Scalar", (terms.enum_ctor(sigma[v]),))
            elif sort == "ExprList":
                env[v] = ("ENil",)
            elif sort == "String":
                env[v] = ""
        lhs, rhs = instantiate(rw.lhs, env), instantiate(rw.rhs, env)
        out_t = terms.type_of(lhs)
        d = terms.decode(out_t).dtype if out_t and out_t[0] == "Scalar" else None
        if d is None or terms.type_of(rhs) != out_t:
            return False, "interpreter", f"the right side's type {terms.type_of(rhs)} differs from the left's {out_t}"
        ptr = types.Pointer(types.scalar(d))
        body = ir.Block((ir.Assign(ir.Index(ir.Var("left", ptr), ir.Var("k", types.I32), types.scalar(d)), None, terms.decode(lhs)),
                         ir.Assign(ir.Index(ir.Var("right", ptr), ir.Var("k", types.I32), types.scalar(d)), None, terms.decode(rhs))))
        loop = terms.decode(("Loop", ("Serial",), "k", I32, c(0), c(SAMPLES), c(1), terms.encode(body)))
        fn = ir.Function("f", ir.FuncKind.KERNEL, types.Void(), (ir.Param("left", ptr), ir.Param("right", ptr)) + tuple(params),
                         ir.Block((loop,)), extern_c=True)
        inputs.update(left=np.zeros(SAMPLES, d.np), right=np.zeros(SAMPLES, d.np))
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                out = Interpreter(ir.Module(ir.Platform.VNNI, (fn,))).run("f", inputs)
        except XpilerError as e:
            raise Unsupported(f"the interpreter cannot run this rule: {e.message}") from None
        ok = _same(out["left"], out["right"], d, "float-reassoc" in marks)
        if not ok.all():
            i = int(np.flatnonzero(~ok)[0])
            vals = ", ".join(f"{p.name[3:]} = {inputs[p.name][i].item()!r}" for p in params)
            label = ", ".join(f"{kk} = {dd.c_name}" for kk, dd in sigma.items()) or "no type variables"
            return False, "interpreter", (f"counterexample ({label}): {vals}\n"
                                          f"    left  {show(rw.lhs)} = {out['left'][i].item()!r}\n"
                                          f"    right {show(rw.rhs)} = {out['right'][i].item()!r}")
        tested += 1
    if not tested:
        return False, "interpreter", "no element type satisfies the side conditions"
    return True, f"interpreter, {SAMPLES} inputs x {tested} typing(s) incl. edge values", ""


def _static_condition(cnd) -> bool:
    """Conditions on types and literals only (decided without running anything)."""
    head = str(cnd[0]) if isinstance(cnd, SList) else ""
    return head in ("int-type", "float-type", "signed-int", "unsigned-int", "=", "<", ">", "<=", ">=", "!=")
