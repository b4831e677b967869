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
