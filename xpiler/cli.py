"""The `xpiler` command line. User errors print as compiler diagnostics and exit non-zero."""
from __future__ import annotations

import argparse
import json
import os
import sys

from .diagnostics import XpilerError


class UsageError(XpilerError):
    """A mistake in the command line (exit status 2)."""

EXIT_USAGE = 2
EXIT_INTERNAL = 70                 # EX_SOFTWARE: an internal error


def _cmd_parse(args) -> int:
    from xpiler.grammar import parse_file
    from .printer import print_module
    from .serialize import to_data
    module = parse_file(args.src, args.platform)
    if args.json:
        print(json.dumps(to_data(module), indent=1))
    elif args.ir:
        print(print_module(module), end="")
    else:
        kernels = ", ".join(k.name for k in module.kernels) or "none"
        hosts = ", ".join(f.name for f in module.host_functions) or "none"
        print(f"{args.src}: {module.platform.value}; kernels: {kernels}; host functions: {hosts}")
    return 0


def _sizes(items: list[str]) -> dict:
    out = {}
    for item in items or []:
        name, _, value = item.partition("=")
        if not value:
            raise UsageError(None, f"--size expects NAME=VALUE or NAME=LO:HI, got '{item}'")
        lo, _, hi = value.partition(":")
        try:
            out[name] = (int(lo), int(hi)) if hi else int(lo)
        except ValueError:
            raise UsageError(None, f"--size {item}: not an integer") from None
    return out


def _extents(items: list[str]) -> dict[str, str]:
    out = {}
    for item in items or []:
        name, _, expr = item.partition("=")
        if not name.strip().isidentifier() or not expr.strip():
            raise UsageError(None, f"--extent expects NAME=EXPRESSION (e.g. table=vocab*128), got '{item}'")
        out[name.strip()] = expr.strip()
    return out


def _cmd_run(args) -> int:
    import numpy as np
    from xpiler.interp import Interpreter
    from xpiler.oracle.differential import load_program, measured_run, size_params, synthesize
    from xpiler.oracle.verify import sizes_written_for
    program = load_program(args.src, args.platform, args.entry, args.launch)
    inputs = {}
    if args.inputs:
        try:
            with np.load(args.inputs) as data:
                inputs = {k: data[k] for k in data.files}
        except (OSError, ValueError) as e:
            raise UsageError(None, f"cannot read {args.inputs}: {e}") from None
    sizes = {k: v for k, v in inputs.items() if np.ndim(v) == 0}
    sizes.update({k: (v if isinstance(v, int) else v[0]) for k, v in _sizes(args.size).items()})
    generated = synthesize(program.entry, sizes, np.random.default_rng(args.seed))
    generated.update({k: v for k, v in inputs.items() if np.ndim(v) > 0})
    for p in program.params:
        if p.name in inputs and np.ndim(inputs[p.name]) == 0:
            generated[p.name] = inputs[p.name][()]
    missing = [p.name for p in program.params if isinstance(generated.get(p.name), np.ndarray)
               and p.name not in inputs]
    rerun = True
    if missing and not args.check_races:
        # arrays the user did not give: as long as the run touches (a fixed-shape or device-only
        # kernel indexes more than the sizes suggest); printed cut to what the run touched
        probe = lambda point: measured_run(program, point, np.random.default_rng(args.seed))
        probed = probe(sizes)
        unsized = [n for n in size_params(program.entry) if n not in sizes]
        if probed is None and unsized:
            # random sizes fault: a fixed-shape kernel; run it at the sizes it was written for
            _, point = sizes_written_for(program, sizes, lambda p: probe(p) is not None, args.seed)
            if point is not None:
                print("sizes (the kernel's own, from its literals): "
                      + ", ".join(f"{n}={point[n]}" for n in unsized))
                sizes = point
                probed = probe(point)
        if probed is not None:
            given = {k: v for k, v in generated.items() if k in inputs or not isinstance(v, np.ndarray)}
            generated = {**probed.inputs, **{k: v for k, v in given.items() if k not in sizes}}
            if not any(isinstance(v, np.ndarray) for v in given.values()) and \
                    all(np.array_equal(generated[k], probed.inputs[k]) for k in probed.inputs):
                rerun = False          # the probe ran on exactly these inputs: its results are the run's
    if rerun:
        interp = Interpreter(program.module, check_races=args.check_races, seed=args.seed)
        outputs = interp.run(program.entry.name, generated)
        report = interp.report
    else:
        outputs = {k: v.copy() for k, v in probed.outputs.items()}
        report = probed.report
    print(f"ran {program.entry.name}: " + ("; ".join(report.launches) or "no kernel launch"))
    for line in report.races + report.uninitialised:
        print(f"warning: {line}")
    for name, value in outputs.items():
        flat = value.ravel()
        print(f"  {name}: {value.dtype}[{value.size}] {np.array2string(flat[:6], precision=4, separator=', ')}"
              f"{' ...' if flat.size > 6 else ''}")
    if args.outputs:
        tmp = args.outputs + ".tmp.npz"
        np.savez(tmp, **outputs)
        import os
        os.replace(tmp, args.outputs if args.outputs.endswith(".npz") else args.outputs)
    return 0


def _cmd_check(args) -> int:
    from xpiler.oracle.differential import load_program
    from xpiler.testing import find_counterexample
    a = load_program(args.a, args.platform_a, args.entry_a)
    b = load_program(args.b, args.platform_b, args.entry_b)
    cex = find_counterexample(a, b, _sizes(args.size), args.examples, args.seed)
    if cex is None:
        print(f"equivalent on {args.examples} examples: {args.a} and {args.b}")
        return 0
    print(cex.render())
    return 1


EXIT_UNVERIFIED = 3


def _cmd_translate(args) -> int:
    from .pipeline import translate, write_atomically
    if args.llm not in (None, "off"):
        raise UsageError(None, "--llm: the LLM assistant is not available in this version; use --llm off")
    result = translate(args.src, args.to, args.platform, examples=args.examples,
                       sizes=_sizes(args.size), seed=args.seed, extents=_extents(args.extent),
                       entry=args.entry, launch=args.launch)
    if args.strict and not result.verified:
        print(result.header(), file=sys.stderr, end="")
        raise XpilerError(None, "--strict: the translation is not verified; nothing written")
    text = result.output()
    if args.output:
        write_atomically(args.output, text)
        print(f"wrote {args.output} ({'verified' if result.verified else 'NOT verified'}, "
              f"{result.seconds:.2f} s)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0 if result.verified else EXIT_UNVERIFIED


def _tune_level(value: str) -> str:
    """`--tune`: refuse what is not implemented rather than accept and ignore it."""
    if value == "none":
        return value
    if value in ("fast", "full"):
        raise argparse.ArgumentTypeError(f"'{value}' is not available: tuning is not implemented "
                                         f"in this version (only 'none')")
    raise argparse.ArgumentTypeError(f"invalid value '{value}' (only 'none')")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="xpiler", description="Transcompiler for tensor programs "
                                "among cuda, hip, bang and vnni.")
    sub = p.add_subparsers(dest="command", required=True)
    parse = sub.add_parser("parse", help="parse a kernel file and print its Kernel IR")
    parse.add_argument("src")
    parse.add_argument("--from", dest="platform", help="source interface (default: from the extension)")
    group = parse.add_mutually_exclusive_group()
    group.add_argument("--ir", action="store_true", help="print the IR as C-like text")
    group.add_argument("--json", action="store_true", help="print the IR as JSON")
    parse.set_defaults(run=_cmd_parse)

    tr = sub.add_parser("translate", help="translate a kernel to another interface, verified "
                                          "(exit 0 verified, 3 written but not verified, 1 error)")
    tr.add_argument("src")
    tr.add_argument("--to", required=True, help="cuda, hip, bang (mlu) or vnni (cpu)")
    tr.add_argument("-o", "--output", help="output file (default: standard output)")
    tr.add_argument("--from", dest="platform")
    tr.add_argument("--strict", action="store_true", help="refuse to write an unverified translation")
    tr.add_argument("--examples", type=int, default=5, help="differential-test examples")
    tr.add_argument("--size", action="append", help="NAME=VALUE or NAME=LO:HI for size parameters")
    tr.add_argument("--seed", type=int, default=0)
    tr.add_argument("--extent", action="append", metavar="NAME=EXPR",
                    help="elements the caller passes in pointer parameter NAME, as a C expression of the "
                         "integer parameters (needed when the kernel indexes NAME with values it reads, "
                         "as a gather does; otherwise derived by probing)")
    tr.add_argument("--entry", help="the kernel of a device-only file (no host code) to translate, or the "
                                    "host function to translate when the file has several")
    tr.add_argument("--launch", metavar="SPEC", help="how a device-only kernel is launched: grid=X[xYxZ],"
                    "block=X[xYxZ][,shared=BYTES] (cuda/hip) or union=N,tasks=T (bang); default: Union4 with "
                    "16 tasks for bang, the kernel's __launch_bounds__ and guards for cuda/hip")
    tr.add_argument("--tune", type=_tune_level, default="none", metavar="none",
                    help="tuning: only 'none' in this version (fast and full are refused until "
                         "tuning exists)")
    tr.add_argument("--llm", default="off", help="LLM endpoint for rewrite suggestions (off)")
    tr.set_defaults(run=_cmd_translate)

    run = sub.add_parser("run", help="run a kernel in the interpreter")
    run.add_argument("src")
    run.add_argument("--from", dest="platform")
    run.add_argument("--entry", help="function to call (default: the host launcher / vnni kernel); a "
                                     "kernel of a file without host code runs through <kernel>_kernel")
    run.add_argument("--launch", metavar="SPEC", help="launch of a device-only kernel (see translate --launch)")
    run.add_argument("--inputs", help=".npz with arrays and scalars keyed by parameter name")
    run.add_argument("--outputs", help="write every array after the run to this .npz")
    run.add_argument("--size", action="append", help="NAME=VALUE for an integer parameter")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--check-races", action="store_true", help="report data races (slower)")
    run.set_defaults(run=_cmd_run)

    check = sub.add_parser("check", help="property-based equivalence of two ports (exit 0 equal, "
                                         "1 counterexample, 2 usage error)")
    check.add_argument("a")
    check.add_argument("b")
    check.add_argument("--examples", type=int, default=30)
    check.add_argument("--seed", type=int, default=0)
    check.add_argument("--size", action="append", help="NAME=VALUE or NAME=LO:HI for a size parameter")
    check.add_argument("--from-a", dest="platform_a")
    check.add_argument("--from-b", dest="platform_b")
    check.add_argument("--entry-a")
    check.add_argument("--entry-b")
    check.set_defaults(run=_cmd_check)

    from xpiler.egraph.cli import add_commands
    add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except XpilerError as e:
        print(e.render(), file=sys.stderr)
        from xpiler.oracle.differential import UsageError as DiffUsage
        return EXIT_USAGE if isinstance(e, (UsageError, DiffUsage)) else 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130
    except Exception as e:                  # a bug in xpiler: say so in one line, no traceback
        if os.environ.get("XPILER_TRACEBACK"):
            raise
        where = getattr(args, "src", None) or getattr(args, "file", None) or ""
        print(f"xpiler: internal error{f' on {where}' if where else ''}: {type(e).__name__}: {e}\n"
              f"xpiler: this is a bug in xpiler, not in your kernel; XPILER_TRACEBACK=1 shows where it "
              f"happened (please report it with the kernel)", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
