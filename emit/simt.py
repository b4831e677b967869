"""Emit CUDA and HIP from the canonical form (docs/canonical.md, "Lowering to each target").

Every top-level parallel loop nest of the host entry becomes a `__global__` kernel launched on
a stream (flat mapping: simt_kernel.py, block mapping: simt_block.py); the entry keeps its name
and parameters and moves the buffers the kernels touch to device memory (offload.py, shared
with the BANG emitter). Helper functions the kernels call become `__device__` (`__host__
__device__` when host code calls them too); lift.HELPERS are CUDA/HIP built-ins of the same
name. CUDA and HIP differ in runtime spellings, headers, the launch statement, the shared memory
per block and vector types; HipEmitter states just that. Warp size does not matter: kernels
use no warp-level operations (the canonical form has none).
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import transform, walk
from xpiler.constfold import fold
from xpiler.printer import Printer
from xpiler.builtins import NAMED_TYPES
from xpiler.types import DIM3, DType, I32, Pointer, Scalar, Struct, VecKind, Vector

from . import library_headers
from .copies import lower_device_copies
from .offload import PARALLEL, Offload, Runtime, host_statements, is_parallel
from .scalarize import scalarize
from .scoped import Substitute
from .simt_block import BlockKernel
from .simt_kernel import KernelBuilder
from .simt_symbols import device_globals

COMMON_HEADERS = ("<float.h>", "<limits.h>", "<math.h>", "<stdint.h>", "<stdlib.h>", "<string.h>")


class CudaEmitter(Printer):
    """Canonical module -> CUDA source."""
    target = ir.Platform.CUDA
    runtime_prefix = "cuda"           # cudaMalloc, cudaMemcpyHostToDevice, cudaStream_t, ...
    runtime_header = "<cuda_runtime.h>"
    fp16_header = "<cuda_fp16.h>"
    shared_limit = 48 * 1024          # static __shared__ per block (platforms/cuda.md)
    ext_vectors = False               # nvcc has no clang ext_vector_type

    def runtime(self) -> Runtime:
        p = self.runtime_prefix
        return Runtime(self.target.value, f"{p}Malloc", f"{p}Memcpy", f"{p}Memset", f"{p}Free",
                       f"{p}MemcpyHostToDevice", f"{p}MemcpyDeviceToHost", f"{p}MemcpyDeviceToDevice",
                       f"{p}Stream_t", f"{p}StreamCreate", f"{p}StreamDestroy", in_place_globals=True)

    def launch(self, kernel: str, grid, block, shmem, stream, args) -> ir.Stmt:
        return ir.Launch(kernel, (), (grid, block, shmem, stream), tuple(args))

    # ---- lowering -----------------------------------------------------------------------------
    def lower(self, canonical: ir.Module) -> ir.Module:
        if not self.ext_vectors and any(isinstance(t, Vector) and t.kind is VecKind.EXT for t in _types(canonical)):
            canonical = scalarize(canonical, self.target.value)     # clang vector extensions
            canonical = dataclasses.replace(canonical, typedefs=tuple(
                (n, t) for n, t in canonical.typedefs if not (isinstance(t, Vector) and t.kind is VecKind.EXT)))
        self.check_types(canonical)
        canonical = lower_device_copies(canonical, self.target.value, native=True)
        off = Offload(canonical, self.runtime())
        known = constants(off.entry)
        kernels: list[ir.Function] = []

        def launch(site):
            kb = KernelBuilder(self, off, site, known)
            nest = kb.flat_nest()
            plan = kb.flat(*nest) if nest else BlockKernel(kb).build()
            kernels.append(plan.kernel)
            return plan.host
        host = off.host_function(launch)
        on_device, on_host = off.reachable(kernels), off.reachable([host])
        helpers = []
        for f in off.helpers:
            if f.name in on_device:
                if any(is_parallel(n) for n in walk(f.body)):
                    raise XpilerError(f.span, f"cannot translate the parallel loop in '{f.name}', called "
                                              f"from a kernel, to {self.target.value}")
                quals = {"static", "inline", "__device__"} | ({"__host__"} if f.name in on_host else set())
                f = ir.Function(f.name, ir.FuncKind.DEVICE, f.ret, f.params, f.body, frozenset(quals),
                                False, f.template_params, (), f.span)
            helpers.append(f)
        # file-scope variables kernels use: __constant__/__device__, filled by symbol copies
        globals_, functions = device_globals(canonical, helpers + kernels + [host], self.runtime_prefix)
        return ir.Module(self.target, tuple(functions), globals_,
                         self.includes(canonical), (), canonical.typedefs, canonical.filename)

    def includes(self, m: ir.Module) -> tuple[str, ...]:
        halves = any(getattr(t, "elem", None) is DType.F16 for t in _types(m))
        return (self.runtime_header,) + ((self.fp16_header,) if halves else ()) + COMMON_HEADERS + \
            tuple(h for h in library_headers(m) if h not in COMMON_HEADERS)

    def check_types(self, m: ir.Module) -> None:
        for t in _types(m):
            if getattr(t, "elem", None) is DType.BF16:
                raise XpilerError(None, f"cannot translate bfloat16 to {self.target.value} yet: "
                                        f"no emitter spelling for its type and conversions")
            if isinstance(t, Vector) and t.kind is VecKind.EXT and not self.ext_vectors:
                raise XpilerError(None, f"cannot translate the vector type {t.c()} to {self.target.value}: "
                                        f"no ext_vector_type there")

    # ---- printing -----------------------------------------------------------------------------
    def module(self, m: ir.Module) -> str:
        out = [f"// {self.target.value}: generated by xpiler from the canonical form"]
        out += [f"#include {inc}" for inc in m.includes]
        self.rename_structs(m, NAMED_TYPES)
        out += [self.typedef(name, t) for name, t in m.typedefs
                if isinstance(t, Vector) and t.kind is VecKind.EXT or isinstance(t, Struct)]
        out += [self.decl(d) for d in m.globals]
        for f in m.functions:
            text = self.function(f)
            out += ["", text.split("\n", 1)[1] if text.startswith("// ") else text]
        return "\n".join(out) + "\n"

    def stmt_PragmaStmt(self, s: ir.PragmaStmt, level, pad) -> str:
        if s.text.startswith("xpiler "):
            return f"{pad}// {s.text[len('xpiler '):]}"
        return f"#pragma {s.text}"

    def stmt_For(self, s: ir.For, level, pad) -> str:
        # a parallel loop left inside a kernel runs serially in its thread
        keep = tuple(p for p in s.pragmas if not p.startswith(PARALLEL))
        return super().stmt_For(ir.For(s.init, s.cond, s.step, s.body, keep, s.span), level, pad)

    def emit(self, canonical: ir.Module) -> str:
        return self.module(self.lower(canonical))


class HipEmitter(CudaEmitter):
    """Canonical module -> HIP source: hip* runtime, hipLaunchKernelGGL, 64 KB of LDS per block."""
    target = ir.Platform.HIP
    runtime_prefix = "hip"
    runtime_header = "<hip/hip_runtime.h>"
    fp16_header = "<hip/hip_fp16.h>"
    shared_limit = 64 * 1024          # LDS per block (platforms/hip.md)
    ext_vectors = True

    def typedef(self, name, t) -> str:
        # GCC's spelling: hip-clang accepts it too, with the same subscripts and operators
        if isinstance(t, Vector) and t.kind is VecKind.EXT:
            elem = "_Float16" if t.of is DType.F16 else t.of.c_name     # hip's half is a class
            return f"typedef {elem} {name} __attribute__((vector_size({t.lanes * t.of.size})));"
        return super().typedef(name, t)

    def launch(self, kernel, grid, block, shmem, stream, args) -> ir.Stmt:
        dim3 = lambda e: ir.Call("dim3", (e,), DIM3)
        return ir.Launch(kernel, (), (dim3(grid), dim3(block), shmem, stream), tuple(args), "hipLaunchKernelGGL")

    def lower(self, canonical: ir.Module) -> ir.Module:
        m = super().lower(canonical)
        return dataclasses.replace(m, functions=tuple(
            dataclasses.replace(f, body=half2_halves(f.body)) if f.body is not None else f for f in m.functions))


def half2_halves(body: ir.Block) -> ir.Block:
    """The halves of a half2 through functions: `h.x` is `__low2half(h)`, `h.y` `__high2half(h)`,
    `h.x = e` is `h = make_half2(e, __high2half(h))`, or `((half*)&p[i])[0] = e` for a half2 in
    memory. HIP's `__half2` members `.x`/`.y` are the raw bits (`unsigned short`) in some ROCm
    releases (<hip/amd_detail/amd_hip_fp16.h>), the halves in others; these functions mean the
    halves in every one, as in CUDA."""
    def is_half2(t) -> bool:
        return isinstance(t, Vector) and t.of is DType.F16 and t.lanes == 2

    def assign(n):
        if isinstance(n, ir.Assign) and isinstance(n.target, ir.Member) and is_half2(n.target.base.type) \
                and not isinstance(n.target.base, ir.Var):
            # a half2 in memory: write just the half (another thread may write the other one)
            half = n.target.type
            at = ir.Cast(ir.AddressOf(n.target.base, Pointer(n.target.base.type)), Pointer(half), "reinterpret")
            return ir.Assign(ir.Index(at, ir.Const("xy".index(n.target.field), I32, None), half), n.op, n.value, n.span)
        if isinstance(n, ir.Assign) and isinstance(n.target, ir.Member) and is_half2(n.target.base.type):
            base, k = n.target.base, "xy".index(n.target.field)
            halves = [ir.Member(base, f, n.target.type) for f in "xy"]
            halves[k] = n.value if n.op is None else ir.Binary(n.op, halves[k], n.value, n.target.type)
            return ir.Assign(base, None, ir.Call("make_half2", tuple(halves), base.type, (), n.span), n.span)
        return n

    def member(n):
        if isinstance(n, ir.Member) and is_half2(n.base.type) and n.field in ("x", "y"):
            return ir.Call("__low2half" if n.field == "x" else "__high2half", (n.base,), n.type, (), n.span)
        return n
    if not any(isinstance(n, ir.Member) and is_half2(n.base.type) for n in walk(body)):
        return body                               # both rewrites start at such a member
    return transform(transform(body, assign), member)


def constants(fn: ir.Function) -> dict[str, ir.Expr]:
    """Integer host variables initialised with a constant and never changed (block sizes), by
    name: host names are unique in an offload entry."""
    body = fn.body
    changed = {n.target.name if isinstance(n, ir.Assign) else n.operand.name for n in walk(body)
               if isinstance(n, ir.Assign) and isinstance(n.target, ir.Var)
               or isinstance(n, ir.AddressOf) and isinstance(n.operand, ir.Var)}
    out: dict[str, ir.Expr] = {}
    for s in host_statements(body):
        if isinstance(s, ir.Decl) and s.name not in changed and s.init is not None and \
                isinstance(s.type, Scalar) and s.type.dtype.is_int and s.type.dtype.bits > 8:
            v = fold(Substitute().expr(s.init, out))
            if isinstance(v, int):
                out[s.name] = ir.Const(v, s.type, str(v))
    return out


def _types(m: ir.Module):
    for f in m.functions:
        yield f.ret
        for p in f.params:
            yield p.type
        if f.body is not None:
            for n in walk(f.body):
                t = getattr(n, "type", None)
                if t is not None:
                    yield t

