"""The `saturate` and `rules` subcommands of `xpiler` (registered by xpiler/cli.py).

    xpiler saturate SRC --to T [--rules DIR ...] [--iters N] [--node-limit N] [--seconds S]
                           [--param SECTION.KEY=VALUE ...] [--json] [--dot FILE]
    xpiler rules list [DIR]
    xpiler rules check [DIR] [--json]
"""
from __future__ import annotations

import json
import tomllib

from xpiler.diagnostics import XpilerError


def add_commands(subparsers) -> None:
    sat = subparsers.add_parser("saturate", help="saturate a kernel with a target's rules and "
                                "extract the cheapest program")
    sat.add_argument("src")
    sat.add_argument("--to", required=True, help="target: cuda, hip, bang, vnni (or an alias)")
    sat.add_argument("--from", dest="platform", help="source interface (default: from the extension)")
    sat.add_argument("--rules", action="append", default=[], metavar="DIR",
                     help="an extra rule folder (also XPILER_RULES_PATH)")
    sat.add_argument("--iters", type=int, default=12, help="iteration limit (default 12)")
    sat.add_argument("--node-limit", type=int, default=20_000, help="e-node limit (default 20000)")
    sat.add_argument("--seconds", type=float, default=2.0, help="time limit (default 2 s)")
    sat.add_argument("--param", action="append", default=[], metavar="SECTION.KEY=VALUE",
                     help="override a cost-model parameter of egraph/targets/<T>.toml")
    sat.add_argument("--json", action="store_true", help="machine-readable output")
    sat.add_argument("--dot", metavar="FILE", help="write the e-graph (around the root) as Graphviz")
    sat.set_defaults(run=cmd_saturate)

    rules = subparsers.add_parser("rules", help="list the rules or check that they are sound")
    rules.add_argument("action", choices=["list", "check"])
    rules.add_argument("dir", nargs="?", help="a rule folder or file (default: the shipped rules "
                                              "and XPILER_RULES_PATH)")
    rules.add_argument("--json", action="store_true")
    rules.set_defaults(run=cmd_rules)


def _params(model, items: list[str]):
    for item in items:
        key, eq, value = item.partition("=")
        section, dot, name = key.partition(".")
        if not eq or not dot:
            raise XpilerError(None, f"--param expects SECTION.KEY=VALUE, got '{item}'")
        try:
            parsed = tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            parsed = value
        model = model.with_param(section, name, parsed)
    return model


def cmd_saturate(args) -> int:
    from xpiler.grammar import parse_file
    from xpiler.printer import print_module

    from . import extract as ex
    from . import terms
    from .cost import load_target
    from .rulefiles import target_name
    from .saturate import Limits, Session

    target = target_name(args.to)
    if args.iters < 0 or args.node_limit <= 0 or args.seconds <= 0:
        raise XpilerError(None, "--iters must be >= 0, --node-limit and --seconds > 0")
    module = parse_file(args.src, args.platform)
    model = _params(load_target(target), args.param)
    session = Session.for_target(target, args.rules, model)
    session.add_module(module)
    report = session.saturate(Limits(args.iters, args.node_limit, args.seconds))
    graph = ex.Graph.from_egraph(session.egraph)
    try:
        cost, term = ex.extract(graph, model)
    except RuntimeError as e:
        raise XpilerError(None, f"extraction failed: {e}") from None
    best = terms.decode(term)
    text = print_module(best)
    if args.dot:
        try:
            with open(args.dot, "w") as fh:
                fh.write(ex.dot(graph))
        except OSError as e:
            raise XpilerError(None, f"cannot write {args.dot}: {e.strerror}") from None
    if args.json:
        print(json.dumps({"source": args.src, "target": target, "report": report.to_json(),
                          "cost": cost, "program": text}, indent=1))
    else:
        print(report.render())
        print(f"\nbest program for {target} (cost {cost:.1f}):")
        print(text, end="")
    return 0


def cmd_rules(args) -> int:
    from . import rules_check

    files, context = rules_check.files_for(args.dir)
    if args.action == "list":
        rows = [{"rule": r.name, "kind": r.kind, "ruleset": r.ruleset, "file": str(r.path),
                 "line": r.line, "marks": list(r.notes)} for f in files for r in f.rules]
        if args.json:
            print(json.dumps(rows, indent=1))
        else:
            for f in files:
                sets = f" (rulesets: {', '.join(f.rulesets)})" if f.rulesets else ""
                print(f"{f.path}{sets}")
                for r in f.rules:
                    marks = "".join(f" @{m}" for m in r.notes)
                    print(f"  {r.line:4d}  {r.kind:9s} {r.ruleset:14s} {r.name}{marks}")
        return 0
    verdicts = rules_check.check(files, context)
    failed = [v for v in verdicts if not v.ok]
    if args.json:
        print(json.dumps([v.to_json() for v in verdicts], indent=1))
    else:
        for v in verdicts:
            print(v.render())
        print(f"{len(verdicts)} rules: {len(verdicts) - len(failed)} verified, {len(failed)} failed")
    return 1 if failed else 0
