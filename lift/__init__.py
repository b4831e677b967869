"""Lift a parsed module of any interface to the canonical form (docs/canonical.md)."""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.inline import CallInliner
from xpiler.intrinsics import lookup
from xpiler.irutil import transform, walk
from xpiler.types import Reference, StdVector, Stream

from .bang import lift_bang
from .cxx import lower_cxx, std_math
from .simt import lift_simt
from .vnni import lift_vnni

PARALLEL = "omp parallel for"
LIBRARY = {"malloc", "free", "memcpy", "memset", "aligned_alloc"}
# C library output and termination (xpiler/catalog/libc.toml): host code may write messages,
# exit and assert; every emitter includes the headers the catalog names for them
OUTPUT = {"printf", "fprintf", "puts", "fputs", "putchar", "fflush", "exit", "abort", "assert"}
# small portable helpers the canonical form may call; every emitter defines or maps them
HELPERS = {"__float_as_int", "__int_as_float", "__float_as_uint", "__uint_as_float",
           "make_float2", "make_float3", "make_float4", "make_int2", "make_int4", "make_uint4",
           "make_double2", "make_half2"}


def lift(module: ir.Module) -> ir.Module:
    if module.platform in (ir.Platform.CUDA, ir.Platform.HIP):
        canonical = lift_simt(inline_host_helpers(lower_cxx(module)))
    elif module.platform is ir.Platform.VNNI:
        canonical = lift_vnni(module)                  # lowers its C++ first (lift/cxx.py) itself
    elif module.platform is ir.Platform.BANG:
        canonical = lift_bang(inline_host_helpers(lower_cxx(module)))
    else:
        raise XpilerError(None, f"cannot translate from {module.platform.value} yet: no lifter")
    canonical = serial_output(canonical)
    canonical = dataclasses.replace(canonical, functions=tuple(       # std:: math as C (lift/cxx.py)
        dataclasses.replace(f, body=transform(f.body, std_math)) if f.body is not None else f
        for f in canonical.functions))
    check_canonical(canonical)
    return canonical


def _host_output(n) -> bool:
    """A write only host code can make: std::cout/cerr `<<`, fprintf, puts, exit ... (printf and
    assert are in device code too: their catalog entries say `device = true`)."""
    if isinstance(n, ir.Binary) and isinstance(n.type, Stream):
        return True
    if isinstance(n, ir.Call) and n.callee.removeprefix("std::") in OUTPUT:
        return not lookup(n.callee.removeprefix("std::")).data.get("device", False)
    return False


def serial_output(module: ir.Module) -> ir.Module:
    """A parallel loop whose iterations write to a host stream (or exit) is serial: the order
    of the output is the loop's order, and device code cannot write there."""
    def fix(n):
        if isinstance(n, ir.For) and any(p.startswith(PARALLEL) for p in n.pragmas) and \
                any(_host_output(x) for x in walk(n.body)):
            return dataclasses.replace(n, pragmas=tuple(p for p in n.pragmas if not p.startswith(PARALLEL)))
        return n
    return dataclasses.replace(module, functions=tuple(
        dataclasses.replace(f, body=transform(f.body, fix)) if f.body is not None else f
        for f in module.functions))


def _launches(f: ir.Function) -> bool:
    return f.body is not None and any(isinstance(n, ir.Launch) for n in walk(f.body))


def inline_host_helpers(module: ir.Module) -> ir.Module:
    """Host functions a launcher calls that launch nothing themselves (error checks such as
    `gpuAssert(cudaError_t code, const char* file, int line)`) inlined into the launcher: the
    lifters keep launchers and device code, and inlined, a helper's test of a status folds away
    with the launcher's own (lift/host.py)."""
    def helper(f: ir.Function) -> bool:
        return f.kind is ir.FuncKind.HOST and f.body is not None and not _launches(f)
    launchers = [f for f in module.functions if f.kind is ir.FuncKind.HOST and _launches(f)]
    if not any(isinstance(n, ir.Call) and (g := module.function(n.callee)) is not None and helper(g)
               for f in launchers for n in walk(f.body)):
        return module
    inliner = CallInliner(module, helper, "a call of a host function in a condition")
    functions = tuple(dataclasses.replace(f, body=inliner.run(f.body)) if f in launchers else f
                      for f in module.functions)
    return dataclasses.replace(module, functions=functions)


def check_canonical(module: ir.Module) -> None:
    """Refuse, naming the construct, anything the canonical form must not contain."""
    names = {f.name for f in module.functions}
    for f in module.functions:
        for n in walk(f.body):
            if isinstance(n, ir.Builtin):
                raise XpilerError(n.span, f"cannot translate '{n.name}' to the canonical form")
            if isinstance(n, ir.Launch):
                raise XpilerError(n.span, f"cannot translate the launch of '{n.kernel}' to the canonical form")
            if isinstance(n, ir.MethodCall) or isinstance(getattr(n, "type", None), (Reference, StdVector)):
                raise XpilerError(getattr(n, "span", None), f"cannot translate the C++ construct "
                                                            f"'{n.type.c()}' to the canonical form")
            if isinstance(n, ir.Call) and n.callee not in names and n.callee not in LIBRARY \
                    and n.callee not in HELPERS and n.callee.removeprefix("std::") not in OUTPUT:
                entry = lookup(n.callee)
                if entry is None or entry.family != "math":
                    raise XpilerError(n.span, f"cannot translate {n.callee} to the canonical form "
                                              f"(no loop semantics yet)")
