"""Emit C++ for x86 (vnni target) from the canonical form: the printer plus a small preamble.

The outermost parallel loop of each nest becomes `#pragma omp parallel for`; nested parallel
loops stay plain loops (OpenMP would run them serially anyway). Canonical programs call no
intrinsics, so the output needs only <math.h>-level C++ (g++ -fopenmp; no -mavx512 needed).
Before printing, two CPU-only passes: device buffers become the caller's arrays where that means
the same (emit/cpu_buffers.py; pointers to CUDA/HIP vector structs are printed as unaligned views,
`float4_unaligned*`, so a `float4` view of such an array is fine), and proven grid-stride loops
become one flat `omp parallel for simd` loop (emit/cpu_loops.py).
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import transform, walk
from xpiler.printer import Printer
from xpiler.types import Array, DType, Opaque, Pointer, Scalar, VecKind, Vector

from . import library_headers
from .cpu_buffers import alias_host_buffers
from .cpu_loops import PARALLEL_SIMD, flatten_grid_stride_loops
from .offload import SIMD
from .plain_math import plain_math

HELPER_DEFINITIONS = {          # (CUDA/HIP math spellings become standard C: emit/plain_math.py)
    "__float_as_int": "static inline int __float_as_int(float f) { int i; memcpy(&i, &f, 4); return i; }",
    "__int_as_float": "static inline float __int_as_float(int i) { float f; memcpy(&f, &i, 4); return f; }",
    "__float_as_uint": "static inline unsigned __float_as_uint(float f) { unsigned i; memcpy(&i, &f, 4); return i; }",
    "__uint_as_float": "static inline float __uint_as_float(unsigned i) { float f; memcpy(&f, &i, 4); return f; }",
}


class VnniEmitter(Printer):
    target = "vnni"

    def __init__(self):
        self.parallel_depth = 0

    def stmt_For(self, s: ir.For, level, pad) -> str:
        parallel = any(p.startswith("omp parallel for") for p in s.pragmas)
        keep = tuple(p for p in s.pragmas if not p.startswith("omp parallel for"))
        if parallel and self.parallel_depth == 0:
            keep = (PARALLEL_SIMD if PARALLEL_SIMD in s.pragmas else "omp parallel for",) + keep
        elif parallel and not _has_sync_pragmas(s.body):
            keep = (SIMD,) + keep              # independent iterations, inside a parallel region
        if parallel:
            self.parallel_depth += 1
        try:
            return super().stmt_For(ir.For(s.init, s.cond, s.step, s.body, keep, s.span), level, pad)
        finally:
            if parallel:
                self.parallel_depth -= 1

    def stmt_PragmaStmt(self, s: ir.PragmaStmt, level, pad) -> str:
        if s.text.startswith("xpiler "):
            return f"{pad}// {s.text[len('xpiler '):]}"
        return f"{pad}#pragma {s.text}"

    def preamble(self, m: ir.Module) -> list[str]:
        lines = ["#include <float.h>", "#include <limits.h>", "#include <math.h>", "#include <stdint.h>",
                 "#include <stdlib.h>", "#include <string.h>"]
        lines += [f"#include {h}" for h in library_headers(m) if f"#include {h}" not in lines]
        used_types, called = set(), set()
        for n in _all_nodes(m):                   # one walk: the types used, the functions called
            if hasattr(n, "type"):
                used_types.add(n.type)
            if isinstance(n, ir.Call):
                called.add(n.callee)
        dtypes = {t.dtype for t in used_types if isinstance(t, Scalar)} | \
                 {t.elem for t in used_types if t is not None and getattr(t, "elem", None) is not None}
        if DType.F16 in dtypes:
            lines.append("typedef _Float16 half;")
        if DType.BF16 in dtypes:
            raise XpilerError(None, "cannot translate bfloat16 arithmetic to vnni: g++ 12 has no "
                                    "bfloat16 arithmetic type")
        structs = {t for t in used_types if isinstance(t, Vector) and t.kind is VecKind.STRUCT}
        for t in sorted(structs, key=lambda v: v.c()):
            # CUDA/HIP vector structs as GCC vector types (same size and alignment); members
            # .x .y .z .w are printed as [0] .. [3]
            if t.lanes == 3:
                raise XpilerError(None, f"cannot translate {t.c()} to vnni: 3-element vector structs")
            lines.append(f"typedef {t.of.c_name} {t.c()} __attribute__((vector_size({t.lanes * t.of.size})));")
            # what a pointer to one points to: a view of a caller's array of lanes need not be
            # aligned for the whole vector (emit/cpu_buffers.py), so loads and stores through
            # pointers are unaligned (as fast as aligned ones on aligned data)
            lines.append(f"typedef {t.of.c_name} {_unaligned(t)} __attribute__((vector_size("
                         f"{t.lanes * t.of.size}), aligned({t.of.size})));")
            lines.append(f"static inline {t.c()} make_{t.c()}(" +
                         ", ".join(f"{t.of.c_name} {c}" for c in "xyzw"[:t.lanes]) +
                         f") {{ {t.c()} v = {{{', '.join('xyzw'[:t.lanes])}}}; return v; }}")
        lines += [HELPER_DEFINITIONS[h] for h in sorted(called & set(HELPER_DEFINITIONS))]
        return lines

    def type(self, t) -> str:
        if isinstance(t, Pointer) and _vector_struct(_innermost(t)):
            to = _unaligned(t.to) if _vector_struct(t.to) else self.type(t.to)
            return ("const " if t.const else "") + to + "*" + (" __restrict__" if t.restrict else "")
        if _vector_struct(t) and self.pointee:
            return _unaligned(t)
        return super().type(t)

    pointee = False

    def declaration(self, name: str, t) -> str:
        inner = t
        while isinstance(inner, Array):
            inner = inner.of
        if not (isinstance(inner, Pointer) and _vector_struct(_innermost(inner))):
            return super().declaration(name, t)
        self.pointee = True                     # the vector the pointer chain ends in
        try:
            return super().declaration(name, t)
        finally:
            self.pointee = False

    def expr_Member(self, e: ir.Member):
        if isinstance(e.base.type, Vector) and e.field in "xyzw":
            return f"{self.expr(e.base, 14)}[{'xyzw'.index(e.field)}]", 14
        return super().expr_Member(e)

    def typedef(self, name, t) -> str:
        if isinstance(t, Vector) and t.kind is VecKind.EXT:
            return f"typedef {t.of.c_name} {name} __attribute__((vector_size({t.lanes * t.of.size})));"
        return super().typedef(name, t)

    def module(self, m: ir.Module) -> str:
        out = self.preamble(m)
        # every typedef and file-scope constant the kernels use (vector structs are typedef'd by
        # the preamble; a user's alias of one would redefine it)
        out += [self.typedef(name, t) for name, t in m.typedefs
                if not isinstance(t, Opaque) and not (isinstance(t, Vector) and t.kind is VecKind.STRUCT)]
        out += [self.decl(d) for d in m.globals]
        for f in m.functions:
            out.append("")
            out.append(self.function(f).replace("// kernel\n", "").replace("// host\n", ""))
        return "\n".join(out) + "\n"


def _vector_struct(t) -> bool:
    return isinstance(t, Vector) and t.kind is VecKind.STRUCT


def _innermost(t):
    while isinstance(t, Pointer):
        t = t.to
    return t


def _unaligned(t: Vector) -> str:
    return f"{t.c()}_unaligned"


def _has_sync_pragmas(body) -> bool:
    return any(isinstance(n, ir.PragmaStmt) and n.text.startswith(("omp atomic", "omp critical"))
               for n in walk(body))


def _all_nodes(m: ir.Module):
    for f in m.functions:
        yield from walk(f.body)
        for p in f.params:
            yield p


def emit(canonical: ir.Module) -> str:
    canonical = flatten_grid_stride_loops(alias_host_buffers(canonical))
    canonical = dataclasses.replace(canonical, functions=tuple(
        dataclasses.replace(f, body=transform(f.body, plain_math)) if f.body is not None else f
        for f in canonical.functions))
    return VnniEmitter().module(canonical)
