"""Finding and loading rule files: rules/common, rules/<target>, --rules DIR and XPILER_RULES_PATH.

A rule folder holds egglog files. In the shipped `rules/` (and in any extra folder that has the
same layout) `common/` applies to every target and `<target>/` to one; an extra folder without
that layout contributes its top-level `*.egg` files. `<target>/schedule.egg` holds the one
`(run-schedule ...)` that makes up a saturation iteration; the driver repeats it and, after it,
runs every ruleset that an extra folder declares. No other rule file may run a schedule.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from xpiler.diagnostics import XpilerError

from . import sexpr

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
try:                                    # installed: the data files live in the xpiler.rules package
    import xpiler.rules as _rules_pkg
    RULES_DIR = Path(_rules_pkg.__file__).resolve().parent
except ImportError:                     # pragma: no cover
    pass
PRELUDE = Path(__file__).with_name("prelude.egg")
TARGETS = ("cuda", "hip", "bang", "vnni")
TARGET_ALIASES = {"cuda": "cuda", "hip": "hip", "bang": "bang", "mlu": "bang", "vnni": "vnni",
                  "cpu": "vnni", "c": "vnni", "dlboost": "vnni"}
RULE_FORMS = ("rewrite", "birewrite", "rule")
ENV_PATH = "XPILER_RULES_PATH"


@dataclass
class RuleInfo:
    name: str
    kind: str                 # rewrite, birewrite or rule
    ruleset: str
    path: Path
    line: int
    form: sexpr.SList
    notes: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{display(self.path)}:{self.line}"


@dataclass
class RuleFile:
    path: Path
    text: str                 # what egglog runs (a schedule.egg's run-schedule blanked out)
    rules: list[RuleInfo] = field(default_factory=list)
    rulesets: list[str] = field(default_factory=list)
    schedule: list[str] = field(default_factory=list)
    extra: bool = False       # from --rules / XPILER_RULES_PATH


@dataclass
class RuleBase:
    target: str | None
    files: list[RuleFile]

    @property
    def rules(self) -> list[RuleInfo]:
        return [r for f in self.files for r in f.rules]

    def rule(self, name: str) -> RuleInfo | None:
        for r in self.rules:
            if r.name == name:
                return r
        return None

    def step(self) -> str:
        """egglog commands for one saturation iteration."""
        parts = [s for f in self.files for s in f.schedule]
        if not parts:
            names = [r for f in self.files if not f.extra for r in f.rulesets]
            parts = [f"(run-schedule (run {n}))" for n in names]
        parts += [f"(run-schedule (run {r}))" for f in self.files if f.extra for r in f.rulesets]
        return "\n".join(parts)


def display(path: Path) -> str:
    """A path relative to the working directory when it is below it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def target_name(name: str) -> str:
    try:
        return TARGET_ALIASES[name.lower()]
    except KeyError:
        raise XpilerError(None, f"unknown target '{name}' (use one of {', '.join(TARGETS)})") from None


def extra_dirs(dirs: list[str] | None = None) -> list[Path]:
    out = [Path(d) for d in (dirs or [])]
    env = os.environ.get(ENV_PATH, "")
    out += [Path(p) for p in env.split(os.pathsep) if p]
    for d in out:
        if not d.is_dir():
            raise XpilerError(None, f"rule folder '{d}' does not exist")
    return out


def files_of(folder: Path, target: str | None) -> list[Path]:
    """The rule files a folder contributes for `target` (None: all targets)."""
    layout = [folder / "common"] + [folder / t for t in (TARGETS if target is None else (target,))]
    if any(d.is_dir() for d in [folder / "common"] + [folder / t for t in TARGETS]):
        found = []
        for d in layout:
            if d.is_dir():
                found += sorted(p for p in d.glob("*.egg") if p.name != "schedule.egg")
                if (d / "schedule.egg").exists():
                    found.append(d / "schedule.egg")
        return found
    return sorted(folder.glob("*.egg"))


def read_rule_file(path: Path, extra: bool = False) -> RuleFile:
    try:
        text = path.read_text()
    except OSError as e:
        raise XpilerError(None, f"cannot read {path}: {e.strerror}") from None
    try:
        forms = sexpr.read_all(text, str(path))
    except sexpr.SexprError as e:
        raise XpilerError(None, str(e)) from None
    rf = RuleFile(path, text, extra=extra)
    chars = list(text)
    for form in forms:
        if not isinstance(form, sexpr.SList) or not form:
            continue
        head = form[0]
        if head == "ruleset":
            rf.rulesets.append(str(form[1]))
        elif head in RULE_FORMS:
            rf.rules.append(_info(form, path))
        elif head in ("run-schedule", "run"):
            if path.name != "schedule.egg":
                raise XpilerError(None, f"{path}:{form.line}: rule files do not run schedules; "
                                        f"the iteration is in <target>/schedule.egg")
            rf.schedule.append(text[form.start:form.end])
            for i in range(form.start, form.end):       # keep line numbers for egglog's errors
                if chars[i] != "\n":
                    chars[i] = " "
    rf.text = "".join(chars)
    return rf


def _info(form: sexpr.SList, path: Path) -> RuleInfo:
    kind = str(form[0])
    start = 3
    kw = sexpr.keywords(form, start)
    name = kw.get(":name")
    ruleset = str(kw.get(":ruleset", ""))
    name = str(name) if name is not None else sexpr.show(form)
    return RuleInfo(name, kind, ruleset, path, form.line, form, form.notes)


def load(target: str | None, dirs: list[str] | None = None, shipped: bool = True) -> RuleBase:
    """The rule files for `target` (None: every target) from the shipped and extra folders."""
    files: list[RuleFile] = []
    if shipped:
        files += [read_rule_file(p) for p in files_of(RULES_DIR, target)]
    for d in extra_dirs(dirs):
        files += [read_rule_file(p, extra=True) for p in files_of(d, target)]
    return RuleBase(target, files)
