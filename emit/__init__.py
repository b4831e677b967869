"""Emitters: canonical form -> target source text (one module per target)."""
from __future__ import annotations

import importlib

from xpiler import ir
from xpiler.diagnostics import XpilerError


def emit(canonical: ir.Module, target: ir.Platform) -> str:
    try:
        module = importlib.import_module(f"{__name__}.{target.value}")
    except ModuleNotFoundError as e:
        if e.name == f"{__name__}.{target.value}":
            raise XpilerError(None, f"cannot translate to {target.value} yet: no emitter") from None
        raise
    return module.emit(canonical)


def entry_alias(entry: ir.Function) -> str:
    """`extern "C" void <f>_kernel(<f's parameters>) { <f>(...); }` (architecture.md, output
    contract: a C function ported to a device target is also called as `<f>_kernel`). The same
    text in every dialect."""
    from xpiler.printer import Printer
    from xpiler.types import Void
    args = tuple(ir.Var(p.name, p.type) for p in entry.params)
    call = ir.ExprStmt(ir.Call(entry.name, args, entry.ret))
    alias = ir.Function(f"{entry.name}_kernel", ir.FuncKind.HOST, Void(), entry.params, ir.Block((call,)),
                        frozenset(), True)
    return "\n" + Printer().function(alias).replace("// host\n", "") + "\n"


def library_headers(module: ir.Module) -> tuple[str, ...]:
    """The headers of the C library's output calls and streams `module` uses (`header` of a
    catalog entry: printf -> <stdio.h>, exit -> <stdlib.h>, assert -> <assert.h>; a stream's
    header in xpiler.builtins.STREAMS: std::cerr -> <iostream>), in a fixed order."""
    from xpiler.builtins import MANIPULATORS, STREAMS
    from xpiler.intrinsics import lookup
    from xpiler.irutil import walk
    found = set()
    for f in module.functions:
        for n in walk(f.body) if f.body is not None else ():
            if isinstance(n, ir.Call):
                entry = lookup(n.callee) or lookup(n.callee.removeprefix("std::"))
                if entry is not None and entry.family == "libc" and "header" in entry.data:
                    found.add(entry.data["header"])
            elif isinstance(n, ir.EnumConst) and n.name in STREAMS:
                found.add(STREAMS[n.name][2])
            elif isinstance(n, ir.EnumConst) and n.name in MANIPULATORS:
                found.add("<iostream>")
    return tuple(sorted(found))
