"""Saturation: a module's term in an egglog e-graph, facts asserted, rules run under limits.

    session = Session.for_target("vnni")            # prelude + rules/common + rules/vnni
    session.add_module(module)                      # the term as `$root`, facts from facts.py
    report = session.saturate(Limits(iterations=8, nodes=20_000, seconds=2.0))

One iteration is the target's schedule (rules/<target>/schedule.egg) plus the rulesets of extra
rule folders. Limits are checked between iterations (egglog's run has no node or time limit),
so an iteration that starts under a limit may end above it; the report says which limit
stopped saturation, or that nothing changed any more (saturated).
"""
from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

from egglog.bindings import EggSmolError, EGraph

from xpiler import ir
from xpiler.diagnostics import XpilerError

from . import facts, rulefiles, terms
from .cost import TargetModel, load_target

ROOT = "$root"


@dataclass(frozen=True)
class Limits:
    iterations: int = 12
    nodes: int = 20_000
    seconds: float = 2.0


@dataclass
class Iteration:
    index: int
    eclasses: int
    enodes: int
    seconds: float                     # cumulative since saturation started
    matches: dict = field(default_factory=dict)


@dataclass
class Report:
    target: str | None
    stop: str                          # saturated | iteration limit | node limit | time limit
    limits: Limits
    iterations: list[Iteration]
    fired: dict                        # rule name -> matches over all iterations
    facts: int
    seconds: float
    rule_sites: dict = field(default_factory=dict)  # rule name -> file:line

    @property
    def saturated(self) -> bool:
        return self.stop == "saturated"

    def to_json(self) -> dict:
        out = asdict(self)
        out["limits"] = asdict(self.limits)
        return out

    def render(self) -> str:
        last = self.iterations[-1] if self.iterations else None
        lines = [f"saturation: {self.stop} after {len(self.iterations) - 1} iterations, "
                 f"{self.seconds:.2f} s (limits: {self.limits.iterations} iterations, "
                 f"{self.limits.nodes} e-nodes, {self.limits.seconds:g} s); {self.facts} facts asserted"]
        lines.append("  iter  e-classes  e-nodes  seconds")
        for it in self.iterations:
            lines.append(f"  {it.index:4d}  {it.eclasses:9d}  {it.enodes:7d}  {it.seconds:7.3f}")
        if self.fired:
            lines.append("rules fired (matches):")
            for name, n in sorted(self.fired.items(), key=lambda kv: (-kv[1], kv[0])):
                site = self.rule_sites.get(name, "")
                lines.append(f"  {n:7d}  {name}" + (f"  ({site})" if site else ""))
        elif last is not None:
            lines.append("rules fired: none")
        return "\n".join(lines)


class Session:
    """An e-graph with the prelude and a target's rules loaded."""

    def __init__(self, rules: rulefiles.RuleBase, model: TargetModel | None = None):
        self.rules = rules
        self.model = model
        self.egraph = EGraph()
        self.facts: list[str] = []
        self.root: terms.Term | None = None
        self._run(rulefiles.PRELUDE.read_text(), str(rulefiles.PRELUDE))
        for f in rules.files:
            self._run(f.text, str(f.path))

    @classmethod
    def for_target(cls, target: str, dirs: list[str] | None = None, model: TargetModel | None = None,
                   shipped: bool = True) -> "Session":
        target = rulefiles.target_name(target)
        return cls(rulefiles.load(target, dirs, shipped), model or load_target(target))

    def _run(self, text: str, filename: str = "<program>"):
        try:
            return self.egraph.run_program(*self.egraph.parse_program(text, filename=filename))
        except EggSmolError as e:
            raise XpilerError(None, f"egglog: {e}") from None

    # ---- the program --------------------------------------------------------------------------
    def add_term(self, term: terms.Term, assert_facts: bool = True) -> None:
        self.root = term
        self._run(f"(let {ROOT} {terms.to_sexpr(term)})")
        if assert_facts:
            factors = tuple(self.model.split_factors) if self.model else (2, 4, 8, 16)
            caps = self.model.capacities if self.model else None
            self.facts = facts.analyse(term, factors, caps)
            if self.facts:
                self._run("\n".join(self.facts))

    def add_module(self, module: ir.Module, assert_facts: bool = True) -> None:
        self.add_term(terms.encode(module), assert_facts)

    # ---- saturation ---------------------------------------------------------------------------
    def size(self) -> tuple[int, int]:
        """(e-classes, e-nodes) over the term constructors."""
        frozen = self.egraph.freeze()
        nodes = 0
        classes = set()
        for name, fn in frozen.functions.items():
            ctor = terms.SCHEMA.get(name)
            if ctor is None:
                continue
            for row in fn.rows:
                nodes += 1
                classes.add((ctor.sort, row.output))
        return len(classes), nodes

    def saturate(self, limits: Limits = Limits()) -> Report:
        step = self.egraph.parse_program(self.rules.step(), filename="<schedule>")
        start = time.perf_counter()
        classes, nodes = self.size()
        history = [Iteration(0, classes, nodes, 0.0)]
        fired: dict[str, int] = {}
        stop = "iteration limit"
        for i in range(1, limits.iterations + 1):
            try:
                outputs = self.egraph.run_program(*step)
            except EggSmolError as e:
                raise XpilerError(None, f"egglog: {e}") from None
            updated = False
            matches: dict[str, int] = {}
            for out in outputs:
                report = getattr(out, "report", None)
                if report is None:
                    continue
                updated |= report.updated
                for name, n in report.num_matches_per_rule.items():
                    if n and not name.startswith("type-of "):
                        matches[name] = matches.get(name, 0) + n
            for name, n in matches.items():
                fired[name] = fired.get(name, 0) + n
            classes, nodes = self.size()
            elapsed = time.perf_counter() - start
            history.append(Iteration(i, classes, nodes, round(elapsed, 4), matches))
            if not updated:
                stop = "saturated"
                break
            if nodes >= limits.nodes:
                stop = "node limit"
                break
            if elapsed >= limits.seconds:
                stop = "time limit"
                break
        sites = {r.name: r.where for r in self.rules.rules}
        return Report(self.rules.target, stop, limits, history, fired, len(self.facts),
                      round(time.perf_counter() - start, 4), sites)

    def graph(self):
        """A read-only copy of the e-graph for extraction and drawing (egraph/extract.py)."""
        from .extract import Graph
        return Graph.from_egraph(self.egraph, ROOT)

    def dot(self, max_classes: int = 200) -> str:
        """Graphviz text of the e-graph, or of the `max_classes` e-classes nearest the root."""
        from .extract import dot
        return dot(self.graph(), max_classes)
