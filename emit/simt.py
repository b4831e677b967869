"""Emit CUDA and HIP from the canonical form (docs/canonical.md, "Lowering to each target").

Every top-level parallel loop nest of a host function becomes a `__global__` kernel and its
launch (simt_kernel.py); the host function keeps its name and parameters and moves the buffers
the kernels touch to device memory (simt_host.py). Helper functions the kernels call become
`__device__` (`__host__ __device__` when host code calls them too). CUDA and HIP differ only in
runtime spellings, headers, the launch statement and the shared memory per block; HipEmitter
states just that.
"""
from __future__ import annotations

from xpiler import ir
from xpiler.builtins import ENUM_CONSTANTS
from xpiler.diagnostics import XpilerError
from xpiler.irutil import walk
from xpiler.printer import Printer
from xpiler.types import DIM3, DType, Pointer, Space, U32, VecKind, Vector, Void

from .scoped import PARALLEL, host_stmts, is_parallel
from .simt_host import HostLowering

# runtime entry points, spelled `<prefix><name>`: cudaMalloc / hipMalloc, ...
RUNTIME = ("Malloc", "Memcpy", "Memset", "Free")
COMMON_HEADERS = ("<float.h>", "<limits.h>", "<math.h>", "<stdint.h>", "<stdlib.h>", "<string.h>")


class CudaEmitter(Printer):
    """Canonical module -> CUDA source."""
    target = ir.Platform.CUDA
    runtime_prefix = "cuda"
    runtime_header = "<cuda_runtime.h>"
    fp16_header = "<cuda_fp16.h>"
    shared_limit = 48 * 1024          # static __shared__ per block (platforms/cuda.md)
    ext_vectors = False               # nvcc has no clang ext_vector_type

    # ---- runtime spellings --------------------------------------------------------------------
    def api(self, name: str) -> str:
        return self.runtime_prefix + name

    def api_names(self) -> set[str]:
        return {self.api(n) for n in RUNTIME}

    def _call(self, name: str, *args) -> ir.Stmt:
        return ir.ExprStmt(ir.Call(self.api(name), tuple(args), Void()))

    def malloc_stmt(self, var: ir.Var, size: ir.Expr) -> ir.Stmt:
        void_pp = Pointer(Pointer(Void()))
        return self._call("Malloc", ir.Cast(ir.AddressOf(var, Pointer(var.type)), void_pp), size)

    def memcpy_stmt(self, dst, src, n, kind: str) -> ir.Stmt:
        name = f"{self.runtime_prefix}Memcpy{kind}"
        value, t = ENUM_CONSTANTS[name]
        return self._call("Memcpy", dst, src, n, ir.EnumConst(name, value, t))

    def memset_stmt(self, dst, value, n) -> ir.Stmt:
        return self._call("Memset", dst, value, n)

    def free_stmt(self, ptr) -> ir.Stmt:
        return self._call("Free", ptr)

    def launch(self, kernel: str, grid, block, shmem, args) -> ir.Stmt:
        return ir.Launch(kernel, (), (grid, block, shmem), tuple(args))

    # ---- lowering -----------------------------------------------------------------------------
    def lower(self, canonical: ir.Module) -> ir.Module:
        self.check_types(canonical)
        taken = {f.name for f in canonical.functions}
        globals_ = {g.name for g in canonical.globals}
        out: list[ir.Function] = []
        kernels: list[ir.Function] = []
        hosts: list[ir.Function] = []
        for f in canonical.functions:
            if f.body is None:
                continue
            if f.extern_c or any(is_parallel(s) for s in host_stmts(f.body)):
                h = HostLowering(f, self, globals_, taken)
                host = h.lower()
                out += h.kernels + [host]
                kernels += h.kernels
                hosts.append(host)
            else:
                out.append(f)
        on_device = _reachable(kernels, out)
        on_host = _reachable(hosts, out)
        functions = []
        for f in out:
            if f.kind is ir.FuncKind.HOST and f.name in on_device and f not in hosts:
                if any(is_parallel(n) for n in walk(f.body)):
                    raise XpilerError(f.span, f"cannot translate the parallel loop in '{f.name}', called "
                                              f"from a kernel, to {self.target.value}")
                quals = {"static", "inline", "__device__"} | ({"__host__"} if f.name in on_host else set())
                f = ir.Function(f.name, ir.FuncKind.DEVICE, f.ret, f.params, f.body, frozenset(quals),
                                False, f.template_params, (), f.span)
            functions.append(f)
        return ir.Module(self.target, tuple(functions), self.globals_(canonical, kernels, functions),
                         self.includes(canonical), (), canonical.typedefs, canonical.filename)

    def globals_(self, m: ir.Module, kernels, functions) -> tuple[ir.Decl, ...]:
        device = {f.name for f in functions if f.kind is not ir.FuncKind.HOST}
        out = []
        for g in m.globals:
            used_dev = any(_uses(f, g.name) for f in functions if f.name in device)
            used_host = any(_uses(f, g.name) for f in functions if f.name not in device)
            if used_dev and used_host:
                raise XpilerError(g.span, f"cannot translate the global '{g.name}' to {self.target.value}: "
                                          f"both host code and kernels use it")
            if used_dev:
                const = "const" in g.storage
                g = ir.Decl(g.name, g.type, g.init, g.ctor_args,
                            g.storage - {"const", "static"} | (set() if const else {"__device__"}),
                            Space.CONSTANT if const else Space.GLOBAL, g.span)
            out.append(g)
        return tuple(out)

    def includes(self, m: ir.Module) -> tuple[str, ...]:
        halves = any(getattr(t, "elem", None) is DType.F16 for t in _types(m))
        return (self.runtime_header,) + ((self.fp16_header,) if halves else ()) + COMMON_HEADERS

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
        out += [self.typedef(name, t) for name, t in m.typedefs if isinstance(t, Vector) and t.kind is VecKind.EXT]
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

    def launch(self, kernel, grid, block, shmem, args) -> ir.Stmt:
        dim3 = lambda e: ir.Call("dim3", (e,), DIM3)
        return ir.Launch(kernel, (), (dim3(grid), dim3(block), shmem, ir.Const(0, U32, "0")), tuple(args),
                         "hipLaunchKernelGGL")


def _uses(f: ir.Function, name: str) -> bool:
    return f.body is not None and any(isinstance(n, ir.Var) and n.name == name for n in walk(f.body))


def _reachable(roots: list[ir.Function], functions: list[ir.Function]) -> set[str]:
    """Names of the functions `roots` call, directly or not (launches are not calls)."""
    by_name = {f.name: f for f in functions}
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        f = stack.pop()
        for n in walk(f.body):
            if isinstance(n, ir.Call) and n.callee in by_name and n.callee not in seen:
                seen.add(n.callee)
                stack.append(by_name[n.callee])
    return seen


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
    for _, t in m.typedefs:
        yield t

