"""The `xpiler` command line. User errors print as compiler diagnostics and exit non-zero."""
from __future__ import annotations

import argparse
import json
import sys

from .diagnostics import XpilerError

EXIT_USAGE = 2


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
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except XpilerError as e:
        print(e.render(), file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
