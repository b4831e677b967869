"""Emit CUDA C++ from the canonical form (the shared SIMT emitter, emit/simt.py)."""
from __future__ import annotations

from xpiler import ir

from .simt import CudaEmitter


def emit(canonical: ir.Module) -> str:
    return CudaEmitter().emit(canonical)
