"""A rule as data for the checker: left and right patterns, side conditions, variable sorts.

`(rewrite L R :when (C...))` gives one Rewrite, `(birewrite L R)` two, and
`(rule ((= x L) C...) ((union x R)))` one (other `=` facts of the query bind sub-patterns;
facts that only describe the context of `x` are dropped, which makes the check stronger).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import terms
from .facts import RELATIONS
from .rulefiles import RuleInfo
from .sexpr import Lit, SList, Sym, keywords, show

PRIMITIVES = {"+", "-", "*", "/", "%", "<", ">", "<=", ">=", "=", "!=", "min", "max", "<<", ">>",
              "int-max", "int-min", "type-of", "not", "and", "or"}


class Unsupported(Exception):
    """The checker has no way to verify this rule."""


@dataclass
class Rewrite:
    lhs: object
    rhs: object
    conds: list
    direction: str = ""                       # "" or "right-to-left" for a birewrite
    sorts: dict = field(default_factory=dict)  # variable -> sort
    alias: str | None = None                  # a rule's name for the whole left side

    @property
    def root_sort(self) -> str:
        return sort_of_pattern(self.lhs, self.sorts)


def is_var(x) -> bool:
    return isinstance(x, Sym) and x not in ("true", "false") and not x.startswith(":")


def sort_of_pattern(p, sorts: dict) -> str:
    if isinstance(p, SList):
        ctor = terms.SCHEMA.get(str(p[0]))
        if ctor is None:
            raise Unsupported(f"unknown constructor {p[0]}")
        return ctor.sort
    if is_var(p):
        return sorts.get(str(p), "?")
    if isinstance(p, Lit):
        return "String"
    if isinstance(p, bool):
        return "bool"
    return "i64" if isinstance(p, int) else "f64"


def rewrites(info: RuleInfo) -> list[Rewrite]:
    form = info.form
    if info.kind in ("rewrite", "birewrite"):
        kw = keywords(form, 3)
        conds = list(kw.get(":when", SList()))
        out = [Rewrite(form[1], form[2], conds)]
        if info.kind == "birewrite":
            out.append(Rewrite(form[2], form[1], conds, "right-to-left"))
    else:
        out = [_from_rule(form)]
    for rw in out:
        rw.sorts = infer_sorts(rw)
    return out


def _from_rule(form: SList) -> Rewrite:
    query, actions = form[1], form[2]
    unions = [a for a in actions if isinstance(a, SList) and a and a[0] == "union"]
    others = [a for a in actions if not (isinstance(a, SList) and a and a[0] == "union")]
    if len(unions) != 1 or others:
        raise Unsupported("a rule is checked when its only action is one (union x R); "
                          f"this one has {show(actions)}")
    target, rhs = unions[0][1], unions[0][2]
    bound = {}
    conds = []
    for fact in query:
        if isinstance(fact, SList) and fact and fact[0] == "=" and is_var(fact[1]) \
                and isinstance(fact[2], SList) and str(fact[2][0]) in terms.SCHEMA:
            bound[str(fact[1])] = fact[2]
        else:
            conds.append(fact)
    if not is_var(target) or str(target) not in bound:
        raise Unsupported("the union must name a variable bound to a pattern in the query")
    lhs = _inline(bound[str(target)], bound, {str(target)})
    used = _vars(lhs) | {str(target)}
    conds = [c for c in conds if _vars(c) <= used | _assigned(c)]
    return Rewrite(lhs, rhs, conds, alias=str(target))


def _inline(p, bound: dict, seen: set):
    if isinstance(p, SList):
        out = SList(_inline(x, bound, seen) if i else x for i, x in enumerate(p))
        out.line = p.line
        return out
    if is_var(p) and str(p) in bound and str(p) not in seen:
        return _inline(bound[str(p)], bound, seen | {str(p)})
    return p


def _vars(p) -> set:
    if isinstance(p, SList):
        return set().union(*(_vars(x) for x in p[1:])) if len(p) > 1 else set()
    return {str(p)} if is_var(p) else set()


def _assigned(c) -> set:
    """Variables a condition binds itself, e.g. amax in (below a amax)."""
    if isinstance(c, SList) and c and str(c[0]) in RELATIONS:
        return {str(x) for x in c[1:] if is_var(x)}
    if isinstance(c, SList) and c and c[0] == "=":
        return _vars(c)
    return set()


def infer_sorts(rw: Rewrite) -> dict:
    sorts: dict = {}

    def visit(p, expected: str | None):
        if isinstance(p, SList):
            head = str(p[0])
            if head in terms.SCHEMA:
                for child, (_, s) in zip(p[1:], terms.SCHEMA[head].fields):
                    visit(child, s)
            elif head in RELATIONS:
                for child, s in zip(p[1:], RELATIONS[head].sorts):
                    visit(child, s)
            elif head == "type-of":
                visit(p[1], "Expr")
            elif head in ("int-max", "int-min"):
                visit(p[1], "Type")
            elif head == "=" and len(p) == 3:
                left = _sort_hint(p[1], sorts) or _sort_hint(p[2], sorts)
                visit(p[1], left)
                visit(p[2], left)
            elif head in PRIMITIVES:
                kind = "String" if any(isinstance(x, Lit) for x in p[1:]) else expected or "i64"
                for child in p[1:]:
                    visit(child, kind if head not in ("<", ">", "<=", ">=") else "i64")
            else:
                raise Unsupported(f"unknown function {head}")
        elif is_var(p) and expected and str(p) != "_":
            sorts.setdefault(str(p), expected)

    visit(rw.lhs, None)
    if rw.alias:
        sorts[rw.alias] = sort_of_pattern(rw.lhs, sorts)
    for c in rw.conds:
        visit(c, None)
    visit(rw.rhs, sorts.get(str(rw.lhs)) if is_var(rw.lhs) else None)
    return sorts


def _sort_hint(p, sorts: dict) -> str | None:
    if isinstance(p, SList):
        head = str(p[0])
        if head in terms.SCHEMA:
            return terms.SCHEMA[head].sort
        if head == "type-of":
            return "Type"
        if head in PRIMITIVES:
            return "i64"
        return None
    if is_var(p):
        return sorts.get(str(p))
    if isinstance(p, Lit):
        return "String"
    if isinstance(p, int):
        return "i64"
    return None
