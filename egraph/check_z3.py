"""Verify an expression rewrite with z3: exact machine arithmetic of every element type it can
match.

Integers are exact: z3 integers reduced modulo 2^width into the type's range after every
operation (two's-complement wrap-around), with C's truncating division; division by zero, INT_MIN / -1, negative or too-wide shifts and
out-of-range literals are undefined, so they are assumed absent on the left and must be absent
on the right. Floats use z3's IEEE 754 theory with round-to-nearest-even, and the right side
must give the same value bit for bit (a NaN for a NaN). A rule marked `;; @float-reassoc` is
checked on the reals instead for float types. A type variable ranges over int, unsigned, long
long, unsigned long long, half, float and double as its side conditions allow; an expression
variable has the type of the operator it is an operand of (or the one `(= (type-of a) t)`
gives). The rewrite must also keep the type of the e-class.

`check(rw, marks)` returns (ok, method, detail); detail is the counterexample when not ok.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import z3

from xpiler.types import DType, common

from . import terms
from .facts import INT_LIMITS, INT_RANGES
from .rulespec import Rewrite, Unsupported, is_var
from .sexpr import SList, show

INT_TYPES = [DType.I32, DType.U32, DType.I64, DType.U64]
FLOAT_TYPES = [DType.F16, DType.F32, DType.F64]
FP_SORTS = {DType.F16: z3.FPSort(5, 11), DType.F32: z3.Float32(), DType.F64: z3.Float64()}
# z3 resource limits (deterministic, unlike time limits on a loaded machine): the shipped
# rules need at most ~1.6M for a proof; a query over the limit counts as undecided
RLIMIT = 4_000_000             # the unbounded query
BOUNDED_RLIMIT = 20_000_000    # the bounded one, tried when the unbounded is undecided
BOUND = 16                     # |x| <= BOUND for every variable in the bounded query
FRESH_BOUND = 1 << 16          # quotients and remainders in the bounded query
WRAP_BOUND = 2                 # wrap counts: small inputs wrap a few times at most
I64_MIN, I64_MAX = -(2**63), 2**63 - 1
ARITH = {"Add", "Sub", "Mul", "Div", "Mod", "Shl", "Shr", "BitAnd", "BitOr", "BitXor"}
COMPARE = {"Lt": "<", "Gt": ">", "Le": "<=", "Ge": ">=", "Eq": "==", "Ne": "!="}
TYPE_CLASS = {"int-type": lambda d: d.is_int, "float-type": lambda d: d.is_float,
              "signed-int": lambda d: d.is_int and d.is_signed,
              "unsigned-int": lambda d: d.is_int and not d.is_signed}


@dataclass
class V:
    """A value: z3 expression and its element type (BOOL values are z3 Bools).

    `raw` integers are ring expressions (+, -, * of one type) not yet reduced modulo 2^bits:
    reduction commutes with ring operations, so it is applied once where a value is used
    otherwise. This keeps polynomial identities (associativity, distribution) easy for z3."""
    x: object
    d: DType
    raw: bool = False


class Model:
    """One instantiation of the type variables: builds z3 terms for patterns."""

    def __init__(self, rw: Rewrite, sigma: dict, reals: bool):
        self.rw, self.sigma, self.reals = rw, sigma, reals
        self.vars: dict[str, V] = {}
        self.ints: dict[str, object] = {}
        self.pre: list = []
        self.var_types = self._var_types()

    # ---- types ------------------------------------------------------------------------------
    def dtype(self, p) -> DType:
        if is_var(p):
            if str(p) not in self.sigma:
                raise Unsupported(f"type variable {p} has no instance")
            return self.sigma[str(p)]
        if isinstance(p, SList) and p[0] == "Scalar" and isinstance(p[1], SList):
            return terms.decode((str(p[1][0]),))
        raise Unsupported(f"type {show(p)} is not a scalar type")

    def _var_types(self) -> dict:
        found: dict[str, set] = {}
        declared = {}
        for c in self.rw.conds:
            if isinstance(c, SList) and c[0] == "=" and isinstance(c[1], SList) and c[1][0] == "type-of":
                declared[str(c[1][1])] = self.dtype(c[2])

        def visit(p, context: DType | None):
            if isinstance(p, SList):
                head = str(p[0])
                ctor = terms.SCHEMA.get(head)
                if ctor is None:
                    return
                t = self.dtype(p[-1]) if ctor.fields and ctor.fields[-1][0] == "type" else None
                if head in COMPARE:
                    other = [self._static_type(x, declared) for x in p[1:3]]
                    for i, x in enumerate(p[1:3]):
                        visit(x, other[1 - i])
                    return
                for child, (fname, sort) in zip(p[1:], ctor.fields):
                    if sort == "Expr":
                        visit(child, None if head in ("Cast",) else (DType.I32 if fname == "cond" else t))
            elif is_var(p) and self.rw.sorts.get(str(p)) == "Expr" and context is not None:
                found.setdefault(str(p), set()).add(context)

        visit(self.rw.lhs, None)
        visit(self.rw.rhs, None)
        out = dict(declared)
        for name, ts in found.items():
            if name in out:
                continue
            if len(ts) > 1:
                raise Unsupported(f"variable {name} is used at two types; give its type with "
                                  f"(= (type-of {name}) t)")
            out[name] = next(iter(ts))
        return out

    def _static_type(self, p, declared: dict) -> DType | None:
        if isinstance(p, SList) and str(p[0]) in terms.SCHEMA:
            ctor = terms.SCHEMA[str(p[0])]
            if ctor.fields and ctor.fields[-1][0] == "type":
                return self.dtype(p[-1])
            if "type" in [f for f, _ in ctor.fields]:
                i = [f for f, _ in ctor.fields].index("type")
                return self.dtype(p[i + 1])
        if is_var(p):
            return declared.get(str(p))
        return None

    # ---- values -----------------------------------------------------------------------------
    def var(self, name: str) -> V:
        if name == self.rw.alias:
            return self.eval(self.rw.lhs)
        if name not in self.vars:
            d = self.var_types.get(name)
            if d is None:
                raise Unsupported(f"cannot tell the type of {name}; say it with (= (type-of {name}) t)")
            self.vars[name] = V(self.fresh(name, d), d)
        return self.vars[name]

    def fresh(self, name: str, d: DType):
        if d is DType.BOOL:
            return z3.Bool(name)
        if d.is_float:
            return z3.Real(name) if self.reals else z3.FP(name, FP_SORTS[d])
        x = z3.Int(name)
        lo, hi = INT_RANGES[d]
        self.pre += [x >= lo, x <= hi]
        return x

    def i64(self, p):
        """An i64 expression of a side condition or literal, as a z3 integer."""
        if isinstance(p, bool):
            raise Unsupported("bool where an i64 is expected")
        if isinstance(p, int):
            return z3.IntVal(p)
        if is_var(p):
            name = str(p)
            if name not in self.ints:
                v = z3.Int(name)
                self.ints[name] = v
                self.pre += [v >= I64_MIN, v <= I64_MAX]
            return self.ints[name]
        if isinstance(p, SList):
            head = str(p[0])
            if head in ("int-max", "int-min"):
                d = self.dtype(p[1])
                if d not in INT_LIMITS:
                    raise Unsupported(f"({head} {show(p[1])}) of a non-integer type")
                return z3.IntVal(INT_LIMITS[d][1 if head == "int-max" else 0])
            args = [self.i64(x) for x in p[1:]]
            if head in ("+", "-", "*") and len(args) == 2:
                a, b = args
                r = {"+": a + b, "-": a - b, "*": a * b}[head]
                self.pre += [r >= I64_MIN, r <= I64_MAX]      # egglog panics on i64 overflow
                return r
            if head in ("/", "%") and len(args) == 2:
                a, b = args
                self.pre.append(b != 0)
                q, r = self.divmod(a, b)                      # truncating, as in Rust and C
                return q if head == "/" else r
            if head in ("min", "max") and len(args) == 2:
                return z3.If(args[0] < args[1], args[0], args[1]) if head == "min" \
                    else z3.If(args[0] > args[1], args[0], args[1])
        raise Unsupported(f"i64 expression {show(p)}")

    def norm(self, v: V) -> V:
        return V(self.wrap(v.x, None, v.d), v.d) if v.raw else v

    # Wrap-around and C division are introduced with fresh variables and linear definitions
    # (x = w + k*2^n with w in range; x = q*y + r with r of x's sign and |r| < |y|): z3's
    # arithmetic handles these far better than its own div/mod of non-constant operands.
    def _fresh_int(self, stem: str):
        self.counter = getattr(self, "counter", 0) + 1
        x = z3.Int(f"{stem}!{self.counter}")
        self.fresh_ints = getattr(self, "fresh_ints", []) + [x]
        return x

    def wrap(self, x, src: DType | None, d: DType):
        """x reduced into the range of d modulo 2^bits (no-op when src's range fits in d's)."""
        lo, hi = INT_RANGES[d]
        if src is not None and src in INT_RANGES:
            slo, shi = INT_RANGES[src]
            if lo <= slo and shi <= hi:
                return x
        if isinstance(x, z3.IntNumRef):
            return z3.IntVal((x.as_long() - lo) % (1 << d.bits) + lo)
        k, w = self._fresh_int("k"), self._fresh_int("w")
        self.pre += [w == x - k * (1 << d.bits), w >= lo, w <= hi]
        return w

    def divmod(self, x, y):
        """(quotient, remainder) of C's truncating division; defined where y != 0."""
        q, r = self._fresh_int("q"), self._fresh_int("r")
        ay = z3.If(y >= 0, y, -y)
        self.pre.append(z3.Implies(y != 0, z3.And(x == q * y + r, r < ay, r > -ay,
                                                  z3.If(x >= 0, r >= 0, r <= 0))))
        return q, r

    def conv(self, v: V, d: DType) -> V:
        if v.d == d:
            return v
        v = self.norm(v)
        x = v.x
        if d is DType.BOOL:
            if v.d.is_float:
                return V(z3.Not(x == 0) if self.reals else z3.Not(z3.fpIsZero(x)), d)
            return V(x != 0, d)
        if v.d is DType.BOOL:
            v = V(z3.If(x, z3.IntVal(1), z3.IntVal(0)), DType.I32)
            x = v.x
            if d == DType.I32:
                return v
        if d.is_float:
            if self.reals:
                if v.d.is_float:
                    return V(x, d)
                raise Unsupported("integer-to-float conversion in a reals check")
            if v.d.is_float:
                return V(z3.fpFPToFP(z3.RNE(), x, FP_SORTS[d]), d)
            return V(z3.fpRealToFP(z3.RNE(), z3.ToReal(x), FP_SORTS[d]), d)
        if v.d.is_float:
            raise Unsupported("float-to-integer conversion")
        return V(self.wrap(x, v.d, d), d)

    def as_int(self, v: V):
        if v.d.is_float or v.d is DType.BOOL:
            raise Unsupported("an integer fact about a non-integer value")
        return self.norm(v).x

    def eval(self, p, defined: list | None = None) -> V:
        defined = self.pre if defined is None else defined
        if is_var(p):
            return self.var(str(p))
        if not isinstance(p, SList):
            raise Unsupported(f"literal {show(p)} where an expression is expected")
        head = str(p[0])
        if head == "Const":
            d = self.dtype(p[2])
            c = self.i64(p[1])
            lo, hi = INT_RANGES.get(d, (None, None))
            if d.is_float:
                if not isinstance(p[1], int):
                    raise Unsupported("an integer literal of float type with a variable value")
                return self.conv(V(z3.IntVal(p[1]), DType.I64), d)
            defined += [c >= lo, c <= hi]
            return V(c, d)
        if head == "ConstF":
            d = self.dtype(p[2])
            if not isinstance(p[1], float):
                raise Unsupported("a float literal with a variable value")
            return V(z3.RealVal(p[1]) if self.reals else z3.FPVal(p[1], FP_SORTS[d]), d)
        if head == "Var":
            d = self.dtype(p[2])
            key = f"var {p[1]}:{d.name}"
            if key not in self.vars:
                self.vars[key] = V(self.fresh(key, d), d)
            return self.vars[key]
        if head == "Cast":
            return self.conv(self.eval(p[1], defined), self.dtype(p[2]))
        if head in ARITH:
            d = self.dtype(p[3])
            a, b = self.conv(self.eval(p[1], defined), d), self.conv(self.eval(p[2], defined), d)
            return self.arith(head, a, b, d, defined)
        if head in COMPARE:
            a, b = self.eval(p[1], defined), self.eval(p[2], defined)
            c = common(a.d, b.d) if a.d is not DType.BOOL and b.d is not DType.BOOL else DType.I32
            a, b = self.norm(self.conv(a, c)), self.norm(self.conv(b, c))
            return V(self.compare(head, a, b), DType.BOOL)
        if head == "Neg":
            d = self.dtype(p[2])
            a = self.conv(self.eval(p[1], defined), d)
            if d.is_float:
                return V(-a.x if self.reals else z3.fpNeg(a.x), d)
            if d is DType.BOOL:
                raise Unsupported("negation of a bool")
            return V(-a.x, d, raw=True)
        if head in ("Not", "And", "Or"):
            args = [self.conv(self.eval(x, defined), DType.BOOL).x for x in p[1:-1]]
            out = z3.Not(args[0]) if head == "Not" else (z3.And(*args) if head == "And" else z3.Or(*args))
            return self.conv(V(out, DType.BOOL), self.dtype(p[-1]))
        if head == "Ternary":
            d = self.dtype(p[4])
            c = self.conv(self.eval(p[1], defined), DType.BOOL).x
            then_def, else_def = [], []
            a = self.norm(self.conv(self.eval(p[2], then_def), d))
            b = self.norm(self.conv(self.eval(p[3], else_def), d))
            defined += [z3.Implies(c, z3.And(*then_def)), z3.Implies(z3.Not(c), z3.And(*else_def))]
            return V(z3.If(c, a.x, b.x), d)
        raise Unsupported(f"{head} has no z3 semantics here")

    def arith(self, op: str, a: V, b: V, d: DType, defined: list) -> V:
        if op in ("Add", "Sub", "Mul") and d.is_int:
            x, y = a.x, b.x
            return V({"Add": x + y, "Sub": x - y, "Mul": x * y}[op], d, raw=True)
        a, b = self.norm(a), self.norm(b)
        x, y = a.x, b.x
        if d.is_float:
            if self.reals:
                if op == "Div":
                    defined.append(y != 0)
                table = {"Add": lambda: x + y, "Sub": lambda: x - y, "Mul": lambda: x * y, "Div": lambda: x / y}
            else:
                rm = z3.RNE()
                table = {"Add": lambda: z3.fpAdd(rm, x, y), "Sub": lambda: z3.fpSub(rm, x, y),
                         "Mul": lambda: z3.fpMul(rm, x, y), "Div": lambda: z3.fpDiv(rm, x, y)}
            if op not in table:
                raise Unsupported(f"{op} on {d.c_name}")
            return V(table[op](), d)
        w, lo, hi = d.bits, *INT_RANGES[d]
        if op in ("Div", "Mod"):
            defined.append(y != 0)
            defined.append(z3.Not(z3.And(x == lo, y == -1)) if d.is_signed else z3.BoolVal(True))
            q, r = self.divmod(x, y)
            return V(q if op == "Div" else r, d)
        if op in ("Shl", "Shr"):
            defined += [y >= 0, y < w]
            if not isinstance(y, z3.IntNumRef):
                raise Unsupported("a shift by a variable amount")
            k = 2 ** y.as_long()
            if op == "Shl":
                if d.is_signed:
                    defined += [x >= 0, x * k <= hi]
                return V(self.wrap(x * k, None, d), d)
            return V(x / k, d)                       # floor: C's >> on two's complement
        if op in ("BitAnd", "BitOr", "BitXor"):
            bx, by = z3.Int2BV(x, w), z3.Int2BV(y, w)
            r = {"BitAnd": bx & by, "BitOr": bx | by, "BitXor": bx ^ by}[op]
            return V(z3.BV2Int(r, is_signed=d.is_signed), d)
        raise Unsupported(f"{op} on {d.c_name}")

    def compare(self, op: str, a: V, b: V):
        x, y = a.x, b.x
        if a.d.is_float and not self.reals:
            f = {"Lt": z3.fpLT, "Gt": z3.fpGT, "Le": z3.fpLEQ, "Ge": z3.fpGEQ, "Eq": z3.fpEQ,
                 "Ne": lambda p, q: z3.Not(z3.fpEQ(p, q))}[op]
            return f(x, y)
        return {"Lt": x < y, "Gt": x > y, "Le": x <= y, "Ge": x >= y, "Eq": x == y, "Ne": x != y}[op]

    # ---- side conditions --------------------------------------------------------------------
    def condition(self, c) -> bool:
        """Add the condition to `pre`; False when it can never hold under this instance."""
        if not isinstance(c, SList):
            raise Unsupported(f"condition {show(c)}")
        head = str(c[0])
        if head in TYPE_CLASS:
            return TYPE_CLASS[head](self.dtype(c[1]))
        if head == "=" and isinstance(c[1], SList) and c[1][0] == "type-of":
            return True                                     # used for variable types
        if head == "=" and (self.rw.sorts.get(str(c[1])) == "Type" or
                            (isinstance(c[2], SList) and c[2][0] == "Scalar")):
            return self.dtype(c[1]) == self.dtype(c[2])
        if head == "nonneg":
            self.pre.append(self.as_int(self.eval(c[1])) >= 0)
        elif head == "below":
            self.pre.append(self.as_int(self.eval(c[1])) < self.i64(c[2]))
        elif head == "divisible":
            n = self.i64(c[2])
            self.pre += [n > 0, self.as_int(self.eval(c[1])) % n == 0]
        elif head in ("<", ">", "<=", ">=", "=", "!="):
            a, b = self.i64(c[1]), self.i64(c[2])
            self.pre.append({"<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b, "=": a == b, "!=": a != b}[head])
        else:
            raise Unsupported(f"the fact ({head} ...) has no meaning for an expression check")
        return True


def _type_vars(rw: Rewrite) -> list[str]:
    return sorted(v for v, s in rw.sorts.items() if s == "Type")


def instances(rw: Rewrite, float_ok: bool = True):
    """Every assignment of scalar types to the rule's type variables its conditions allow."""
    names = _type_vars(rw)
    pool = INT_TYPES + (FLOAT_TYPES if float_ok else [])
    for combo in itertools.product(pool, repeat=len(names)):
        yield dict(zip(names, combo))


def check(rw: Rewrite, marks: tuple[str, ...] = ()) -> tuple[bool, str, str]:
    reassoc = "float-reassoc" in marks
    checked_ints, checked_floats, bounded = set(), set(), []
    for sigma in instances(rw):
        is_float = any(d.is_float for d in sigma.values())
        m = Model(rw, sigma, reals=is_float and reassoc)
        if not all(m.condition(c) for c in rw.conds):
            continue
        lhs_def: list = []
        rhs_def: list = []
        left = m.norm(m.eval(rw.lhs, lhs_def))
        right = m.norm(m.eval(rw.rhs, rhs_def))
        label = ", ".join(f"{k} = {d.c_name}" for k, d in sigma.items()) or "no type variables"
        if left.d != right.d:
            return False, "typing", (f"the right side has type {right.d.c_name} where the left has "
                                     f"{left.d.c_name} ({label})")
        if left.d.is_float and not m.reals:
            same = z3.Or(z3.And(z3.fpIsNaN(left.x), z3.fpIsNaN(right.x)), left.x == right.x)
        else:
            same = left.x == right.x
        goal = z3.Not(z3.And(*rhs_def, same))
        # once one typing needed the bounded proof, the others go straight to it
        verdict, model = _solve(m.pre + lhs_def, goal) if not bounded else ("unknown", None)
        if verdict == "unknown":
            # bounded: small inputs make the nonlinear problem finite
            bounds = [z3.And(v.x >= -BOUND, v.x <= BOUND)
                      for v in m.vars.values() if v.d.is_int and v.d is not DType.BOOL]
            bounds += [z3.And(i >= -BOUND, i <= BOUND) for i in m.ints.values()]
            for i in getattr(m, "fresh_ints", []):
                b = WRAP_BOUND if str(i).startswith("k!") else FRESH_BOUND
                bounds.append(z3.And(i >= -b, i <= b))
            verdict, model = _solve(m.pre + lhs_def + bounds, goal, bounded=True)
            if verdict == "unsat":
                bounded.append(label)
        if verdict == "sat":
            small = [z3.And(v.x >= -BOUND, v.x <= BOUND)
                     for v in m.vars.values() if v.d.is_int and v.d is not DType.BOOL]
            small += [z3.And(i >= -BOUND, i <= BOUND) for i in m.ints.values()]
            again, nicer = _solve(m.pre + lhs_def + small, goal)        # prefer a small example
            if again == "sat":
                model = nicer
            undefined = z3.is_false(model.eval(z3.And(*rhs_def), model_completion=True))
            return False, "z3", _counterexample(rw, m, model, left, right, label, undefined)
        if verdict == "unknown":
            return False, "z3", f"z3 could not decide the rule ({label}), even bounded to |x| <= {BOUND}"
        (checked_floats if left.d.is_float or any(d.is_float for d in sigma.values()) else checked_ints).add(label)
    if not checked_ints and not checked_floats:
        return False, "z3", "no element type satisfies the side conditions: the rule never applies"
    parts = []
    if checked_ints:
        parts.append(f"integers mod 2^n, {len(checked_ints)} typing(s)")
    if checked_floats:
        parts.append(("reals (marked float-reassoc: not exact in IEEE)" if reassoc else "IEEE floats")
                     + f", {len(checked_floats)} typing(s)")
    method = "z3 " + "; ".join(parts)
    if bounded:
        method += f" (bounded to |x| <= {BOUND} for {', '.join(bounded)})"
    return True, method, ""


def _solve(pre: list, negated_goal, bounded: bool = False) -> tuple[str, object]:
    # bounded: every variable has a finite range, so nla2bv turns the problem into bit-vectors
    s = z3.Then("simplify", "nla2bv", "bit-blast", "sat").solver() if bounded else z3.Solver()
    s.set("rlimit", BOUNDED_RLIMIT if bounded else RLIMIT)
    s.add(*pre)
    s.add(negated_goal)
    r = s.check()
    if r == z3.sat:
        return "sat", s.model()
    return ("unsat", None) if r == z3.unsat else ("unknown", None)


def _show_value(model, v: V) -> str:
    x = model.eval(v.x, model_completion=True)
    if v.d is DType.BOOL:
        return str(x)
    if v.d.is_float:
        return str(x)
    return str(x.as_long()) if isinstance(x, z3.IntNumRef) else str(x)


def _counterexample(rw: Rewrite, m: Model, model, left: V, right: V, label: str,
                    undefined: bool) -> str:
    names = []
    for name, v in sorted(m.vars.items()):
        names.append(f"{name.removeprefix('var ').split(':')[0]} = {_show_value(model, v)}")
    for name, i in sorted(m.ints.items()):
        names.append(f"{name} = {model.eval(i, model_completion=True)}")
    rhs_ok = ""
    lval, rval = _show_value(model, left), _show_value(model, right)
    if undefined:
        rhs_ok = (" (undefined on the right: division by zero, INT_MIN / -1, a bad shift "
                  "or a literal out of the type's range)")
    return (f"counterexample ({label}): {', '.join(names)}\n"
            f"    left  {show(rw.lhs)} = {lval}\n"
            f"    right {show(rw.rhs)} = {rval}{rhs_ok}")


def is_expression_rule(rw: Rewrite) -> bool:
    return rw.root_sort == "Expr"

