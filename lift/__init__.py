"""Lift a parsed module of any interface to the canonical form (docs/canonical.md)."""
from __future__ import annotations

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.intrinsics import lookup
from xpiler.irutil import walk

from .bang import lift_bang
from .simt import lift_simt
from .vnni import lift_vnni

LIBRARY = {"malloc", "free", "memcpy", "memset", "aligned_alloc"}
# small portable helpers the canonical form may call; every emitter defines or maps them
HELPERS = {"__float_as_int", "__int_as_float", "__float_as_uint", "__uint_as_float",
           "make_float2", "make_float3", "make_float4", "make_int2", "make_int4", "make_uint4",
           "make_double2"}


def lift(module: ir.Module) -> ir.Module:
    if module.platform in (ir.Platform.CUDA, ir.Platform.HIP):
        canonical = lift_simt(module)
    elif module.platform is ir.Platform.VNNI:
        canonical = lift_vnni(module)
    elif module.platform is ir.Platform.BANG:
        canonical = lift_bang(module)
    else:
        raise XpilerError(None, f"cannot translate from {module.platform.value} yet: no lifter")
    check_canonical(canonical)
    return canonical


def check_canonical(module: ir.Module) -> None:
    """Refuse, naming the construct, anything the canonical form must not contain."""
    names = {f.name for f in module.functions}
    for f in module.functions:
        for n in walk(f.body):
            if isinstance(n, ir.Builtin):
                raise XpilerError(n.span, f"cannot translate '{n.name}' to the canonical form")
            if isinstance(n, ir.Launch):
                raise XpilerError(n.span, f"cannot translate the launch of '{n.kernel}' to the canonical form")
            if isinstance(n, ir.Call) and n.callee not in names and n.callee not in LIBRARY \
                    and n.callee not in HELPERS:
                entry = lookup(n.callee)
                if entry is None or entry.family != "math":
                    raise XpilerError(n.span, f"cannot translate {n.callee} to the canonical form "
                                              f"(no loop semantics yet)")
