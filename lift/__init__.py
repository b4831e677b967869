"""Lift a parsed module of any interface to the canonical form (docs/canonical.md)."""
from __future__ import annotations

from xpiler import ir
from xpiler.diagnostics import XpilerError

from .simt import lift_simt


def lift(module: ir.Module) -> ir.Module:
    if module.platform in (ir.Platform.CUDA, ir.Platform.HIP):
        return lift_simt(module)
    raise XpilerError(None, f"cannot translate from {module.platform.value} yet: no lifter")
