"""One top-level parallel loop nest of the canonical form -> a CUDA/HIP kernel and its launch.

`KernelBuilder` holds what both mappings share (parameters, launch, checks) and builds the flat
mapping: a loop nest without inner parallel loops (a perfect nest of parallel loops is
flattened) runs one thread per iteration in 256-thread blocks, guarded by `if (i < n)`. A loop
whose body holds parallel loops takes the block mapping (simt_block.py).
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.diagnostics import XpilerError
from xpiler.irutil import binary, const, walk
from xpiler.types import I32, I64, U32, Pointer, Type, Void

from .offload import Offload, Site, is_parallel, loop_shape
from .scoped import free_vars, substitute
from .simt_atomic import lower_atomics
from .tidy import drop_unused, simplify

FLAT_BLOCK = 256
TID = ir.Cast(ir.Builtin("threadIdx.x", U32), I32)
SYNC = ir.ExprStmt(ir.Call("__syncthreads", (), Void()))
ALLOC = {"malloc", "aligned_alloc", "calloc"}


def cannot(span, what: str, target: str) -> XpilerError:
    return XpilerError(span, f"cannot translate {what} to {target}")


def normal_form(s: ir.For, target: str) -> tuple[str, Type, ir.Expr]:
    """(variable, type, extent) of `for (T v = 0; v < extent; v++)`."""
    var, extent = loop_shape(s, target)
    return var, s.init[0].type, extent


def _single(s: ir.Stmt) -> ir.Stmt:
    while isinstance(s, ir.Block) and len(s.stmts) == 1:
        s = s.stmts[0]
    return s


@dataclasses.dataclass
class KernelPlan:
    """What the host needs to launch one kernel."""
    kernel: ir.Function
    host: list[ir.Stmt]         # statements replacing the loop nest in the host function


class KernelBuilder:
    """Builds the kernel of one offload site; `constants` (host variables with a known value,
    such as block sizes) are substituted into it first."""

    def __init__(self, emitter, off: Offload, site: Site, constants: dict[str, ir.Expr]):
        self.em = emitter
        self.off = off
        self.target = off.runtime.target
        self.loop = substitute(site.loop, constants)
        self.name = site.name
        free = free_vars(self.loop)
        self.params = [(p.name, p.type) for p in site.params if p.name in free]
        self.prefix = f"__{site.name}_"

    def flat_nest(self):
        """(loops, body) of the perfect nest of parallel loops to flatten, or None when a parallel
        loop is left inside (the block mapping)."""
        chain, body = [normal_form(self.loop, self.target)], self.loop.body
        while is_parallel(_single(body)):
            inner = _single(body)
            v, t, e = normal_form(inner, self.target)
            if any(isinstance(n, ir.Var) and n.name in {c[0] for c in chain} for n in walk(e)):
                break
            chain.append((v, t, e))
            body = inner.body
        return None if any(is_parallel(n) for n in walk(body)) else (chain, body)

    # ---- helpers shared by both mappings ------------------------------------------------------
    def host_var(self, what: str, t: Type) -> ir.Var:
        return ir.Var(f"{self.prefix}{what}", t)

    def function(self, body: list[ir.Stmt], extra: list[tuple[str, Type]], block: int) -> ir.Function:
        params = tuple(ir.Param(n, t) for n, t in self.params + extra)
        return ir.Function(self.name, ir.FuncKind.KERNEL, Void(), params, drop_unused(simplify(ir.Block(tuple(body)))),
                           frozenset({"__global__"}), False, (), (const(block),), self.loop.span)

    def launch(self, grid: ir.Expr, block: int, shmem: ir.Expr, extra_args: list[ir.Expr]) -> ir.Stmt:
        args = [ir.Var(n, t) for n, t in self.params] + extra_args
        return self.em.launch(self.name, grid, const(block), shmem, self.off.queue, args)

    def malloc(self, var: ir.Var, size: ir.Expr) -> ir.Stmt:
        return self.off.malloc(var, ir.Call("malloc", (size,), Pointer(Void())))

    def free(self, var: ir.Var) -> ir.Stmt:
        return ir.ExprStmt(ir.Call(self.off.runtime.free, (var,), Void()))

    def check_body(self, body: ir.Stmt, allowed: frozenset[str] = frozenset()) -> None:
        """Refuse allocations in a kernel, but for the per-block buffers `allowed`, and jumps out
        of an iteration (a canonical loop body has none)."""
        jumps = escaping_jumps(body)
        if jumps:
            raise cannot(self.loop.span, f"a '{sorted(jumps)[0]}' out of a parallel loop", self.target)
        allocations = [n for n in walk(body) if isinstance(n, ir.Call) and n.callee in ALLOC]
        if not allocations:
            return
        skip = {id(x) for d in walk(body) if isinstance(d, ir.Decl) and d.name in allowed and d.init is not None
                for x in walk(d.init)}
        for n in allocations:
            if id(n) not in skip:
                raise cannot(n.span, f"{n.callee} inside a parallel loop", self.target)

    # ---- flat mapping -------------------------------------------------------------------------
    def flat(self, chain, body: ir.Stmt) -> KernelPlan:
        body = lower_atomics(body, self.target)
        self.check_body(body)
        ext = [(f"__n{k}", t) for k, (_, t, _) in enumerate(chain)]
        i = ir.Var("__i", I64)
        kbody: list[ir.Stmt] = [ir.Decl("__i", I64, binary("+", binary(
            "*", ir.Cast(ir.Builtin("blockIdx.x", U32), I64), ir.Cast(ir.Builtin("blockDim.x", U32), I64)),
            ir.Cast(ir.Builtin("threadIdx.x", U32), I64)))]
        total = product_of([ir.Cast(ir.Var(n, t), I64) for n, t in ext])
        index: list[ir.Stmt] = []
        stride: ir.Expr | None = None             # product of the inner loops' extents
        for k in reversed(range(len(chain))):
            v, t, _ = chain[k]
            n = ir.Cast(ir.Var(*ext[k]), I64)
            q = i if stride is None else binary("/", i, stride)
            if k > 0:
                q = binary("%", q, n)
            index.insert(0, ir.Decl(v, t, ir.Cast(q, t)))
            stride = n if stride is None else binary("*", stride, n)
        kbody.append(ir.If(binary("<", i, total), ir.Block(tuple(index) + tuple(stmts_of(body)))))
        kernel = self.function(kbody, ext, FLAT_BLOCK)
        host: list[ir.Stmt] = [ir.Decl(self.host_var(n, t).name, t, e) for (n, t), (_, _, e) in zip(ext, chain)]
        hv = [self.host_var(n, t) for n, t in ext]
        cond = binary(">", hv[0], const(0))
        for h in hv[1:]:
            cond = binary("&&", cond, binary(">", h, const(0)))
        count = product_of([ir.Cast(h, I64) for h in hv])
        grid = ir.Cast(binary("/", binary("+", count, const(FLAT_BLOCK - 1, I64)), const(FLAT_BLOCK, I64)), U32)
        host.append(ir.If(cond, ir.Block((self.launch(grid, FLAT_BLOCK, const(0), hv),))))
        return KernelPlan(kernel, [simplify(ir.Block(tuple(host)))])


def product_of(items: list[ir.Expr]) -> ir.Expr:
    out = items[0]
    for x in items[1:]:
        out = binary("*", out, x)
    return out


def stmts_of(s: ir.Stmt) -> list[ir.Stmt]:
    return list(s.stmts) if isinstance(s, ir.Block) else [s]


def escaping_jumps(s: ir.Stmt) -> set[str]:
    """The `break` / `continue` / `return` statements in `s` that leave it (not caught by a
    loop or switch inside it)."""
    out: set[str] = set()

    def visit(x, in_loop: bool, in_switch: bool):
        if isinstance(x, ir.Return):
            out.add("return")
        elif isinstance(x, ir.Break) and not (in_loop or in_switch):
            out.add("break")
        elif isinstance(x, ir.Continue) and not in_loop:
            out.add("continue")
        elif isinstance(x, (ir.For, ir.While)):
            visit(x.body, True, in_switch)
        elif isinstance(x, ir.Switch):
            for c in x.cases:
                for y in c.body:
                    visit(y, in_loop, True)
        elif isinstance(x, ir.Block):
            for y in x.stmts:
                visit(y, in_loop, in_switch)
        elif isinstance(x, ir.If):
            visit(x.then, in_loop, in_switch)
            if x.other is not None:
                visit(x.other, in_loop, in_switch)
    visit(s, False, False)
    return out


def sum_of(items: list[ir.Expr]) -> ir.Expr:
    out = items[0]
    for x in items[1:]:
        out = binary("+", out, x)
    return out
