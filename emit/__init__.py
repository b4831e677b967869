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
