"""`xpiler rules check`: every rule file parses, and every rewrite is sound.

Expression rewrites (the left side an Expr) are proved with z3 (egraph/check_z3.py): integer
rules in exact wrap-around arithmetic of each integer type, float rules in IEEE arithmetic,
falling back to a bounded proof where z3 cannot decide the unbounded one. Statement rewrites
are run in the interpreter on small concrete shapes (egraph/check_interp.py); expression
rewrites with intrinsic calls are evaluated on random inputs (egraph/check_eval.py). A rule that fails
is reported at its file:line with the counterexample; a rule the checker cannot interpret
fails too (a rule nobody checked is not shipped).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from egglog.bindings import EggSmolError, EGraph

from xpiler.diagnostics import XpilerError

from . import check_eval, check_interp, check_z3, rulefiles, rulespec

KNOWN_MARKS = {"float-reassoc"}


@dataclass
class Verdict:
    rule: rulefiles.RuleInfo
    ok: bool
    method: str
    detail: str = ""
    seconds: float = 0.0

    def render(self) -> str:
        head = f"{self.rule.where}: {self.rule.name}: "
        if self.ok:
            return head + f"ok ({self.method})"
        text = head + f"FAILED ({self.method})"
        if self.detail:
            text += "\n    " + self.detail.replace("\n", "\n    ")
        return text

    def to_json(self) -> dict:
        return {"rule": self.rule.name, "file": str(self.rule.path), "line": self.rule.line,
                "ruleset": self.rule.ruleset, "ok": self.ok, "method": self.method,
                "detail": self.detail, "seconds": round(self.seconds, 3)}


def parse_files(files: list[rulefiles.RuleFile], context: list[rulefiles.RuleFile] = ()) -> None:
    """Load the prelude, `context` and `files` into a fresh e-graph; egglog errors name the file."""
    eg = EGraph()
    eg.run_program(*eg.parse_program(rulefiles.PRELUDE.read_text(), filename=str(rulefiles.PRELUDE)))
    for f in list(context) + list(files):
        try:
            eg.run_program(*eg.parse_program(f.text, filename=str(f.path)))
        except EggSmolError as e:
            raise XpilerError(None, f"{f.path}: egglog rejects the file: {e}") from None
    for f in files:
        for step in f.schedule:
            try:
                eg.parse_program(step, filename=str(f.path))
            except EggSmolError as e:
                raise XpilerError(None, f"{f.path}: bad schedule: {e}") from None


def check_rule(info: rulefiles.RuleInfo) -> Verdict:
    start = time.perf_counter()
    unknown = [m for m in info.notes if m.split()[0] not in KNOWN_MARKS]
    if unknown:
        return Verdict(info, False, "marks", f"unknown mark @{unknown[0]} (known: "
                       f"{', '.join('@' + k for k in sorted(KNOWN_MARKS))})")
    try:
        methods = []
        for rw in rulespec.rewrites(info):
            marks = tuple(m.split()[0] for m in info.notes)
            if rw.root_sort == "Expr" and not _has_calls(rw):
                ok, method, detail = check_z3.check(rw, marks)
            elif rw.root_sort == "Expr":
                ok, method, detail = check_eval.check(rw, marks)
            elif rw.root_sort in ("Stmt", "StmtList"):
                ok, method, detail = check_interp.check(rw)
            else:
                raise rulespec.Unsupported(f"rewrites of {rw.root_sort} terms are not checked; "
                                           f"rewrite the enclosing Expr or Stmt")
            if rw.direction:
                method += f", {rw.direction}"
            if not ok:
                return Verdict(info, False, method, detail, time.perf_counter() - start)
            methods.append(method)
        return Verdict(info, True, "; ".join(methods), "", time.perf_counter() - start)
    except rulespec.Unsupported as e:
        return Verdict(info, False, "unsupported", str(e), time.perf_counter() - start)


def _has_calls(rw: rulespec.Rewrite) -> bool:
    """Whether a side uses intrinsic or function calls (no z3 semantics: tested by running)."""
    def walk(p):
        if isinstance(p, list):
            return str(p[0]) in ("Intr", "Call") or any(walk(x) for x in p[1:])
        return False
    return walk(rw.lhs) or walk(rw.rhs)


def check(files: list[rulefiles.RuleFile], context: list[rulefiles.RuleFile] = ()) -> list[Verdict]:
    parse_files(files, context)
    return [check_rule(r) for f in files for r in f.rules]


def files_for(folder: str | None) -> tuple[list[rulefiles.RuleFile], list[rulefiles.RuleFile]]:
    """(files to check, files they build on): a folder's files on top of the shipped ones, or
    the shipped files and those of XPILER_RULES_PATH."""
    shipped = [rulefiles.read_rule_file(p) for p in rulefiles.files_of(rulefiles.RULES_DIR, None)]
    if folder is None:
        extra = [rulefiles.read_rule_file(p, extra=True)
                 for d in rulefiles.extra_dirs() for p in rulefiles.files_of(d, None)]
        return shipped + extra, []
    path = Path(folder)
    if path.is_file():
        return [rulefiles.read_rule_file(path, extra=True)], shipped
    if not path.is_dir():
        raise XpilerError(None, f"rule folder '{folder}' does not exist")
    if path.resolve() == rulefiles.RULES_DIR.resolve():
        return shipped, []
    return [rulefiles.read_rule_file(p, extra=True) for p in rulefiles.files_of(path, None)], shipped
