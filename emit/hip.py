"""Emit HIP C++ from the canonical form (the shared SIMT emitter, emit/simt.py)."""
from __future__ import annotations

from xpiler import ir

from .simt import HipEmitter


def emit(canonical: ir.Module) -> str:
    return HipEmitter().emit(canonical)
