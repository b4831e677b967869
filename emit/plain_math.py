"""CUDA/HIP math spellings as standard C (the functions of xpiler/catalog/math.toml), for the
targets whose compilers lack them (BANG C, C++ on x86): `__expf` -> `expf`, `rsqrtf(x)` ->
`1.0f / sqrtf(x)`, `max` on floats -> `fmaxf`, ... (`std::` math is C in the canonical form
already: lift/cxx.py `std_math`.)

One table for every emitter that needs it. (glibc's <math.h> declares `__expf`, `__logf` and
friends as its own internal functions, so a C++ output cannot define them as helpers.)
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.irutil import binary, const
from xpiler.types import DType, Scalar, scalar


def _f32(v: float) -> ir.Const:
    return ir.Const(v, scalar(DType.F32), f"{v!r}f")


def plain_math(e):
    """CUDA/HIP math spellings that BANG C lacks, as standard C (catalog math.toml)."""
    if not isinstance(e, ir.Call):
        return e
    a, name, t = e.args, e.callee, e.type
    renames = {"__expf": "expf", "__logf": "logf", "__sinf": "sinf", "__cosf": "cosf", "__powf": "powf",
               "__fsqrt_rn": "sqrtf"}
    if name in renames:
        return dataclasses.replace(e, callee=renames[name])
    if name == "rsqrtf":
        return ir.Binary("/", _f32(1.0), ir.Call("sqrtf", a, t), t, e.span)
    if name == "__frcp_rn":
        return ir.Binary("/", _f32(1.0), a[0], t, e.span)
    if name == "__fdividef":
        return ir.Binary("/", a[0], a[1], t, e.span)
    if name == "__saturatef":
        return ir.Call("fminf", (ir.Call("fmaxf", (a[0], _f32(0.0)), t), _f32(1.0)), t, (), e.span)
    return _max_min_abs(e)


def _max_min_abs(e: ir.Call):
    a, t = e.args, e.type
    if e.callee in ("max", "min", "abs") and isinstance(t, Scalar):
        if t.dtype.is_float:
            suffix = "f" if t.dtype is not DType.F64 else ""
            return dataclasses.replace(e, callee={"max": "fmax", "min": "fmin", "abs": "fabs"}[e.callee] + suffix)
        if e.callee == "abs":
            return ir.Ternary(binary("<", a[0], const(0)), ir.Unary("-", a[0], t), a[0], t, e.span)
        op = ">" if e.callee == "max" else "<"
        return ir.Ternary(binary(op, a[0], a[1]), ir.Cast(a[0], t), ir.Cast(a[1], t), t, e.span)
    return e
