"""Where the arrays of a block body live in a CUDA/HIP kernel (the block mapping, simt_block.py).

Per array declared at block level (outside the thread loops):
  registers  every use is `v[t]`, `t` the index of the enclosing thread loop that gives each
             iteration its own thread: `float v[N]` becomes the per-thread `float v`;
  locals     only block-level code uses it, element by element: each thread keeps a copy;
  shared     `__shared__` while the block's arrays fit (48 KB CUDA, 64 KB HIP per block);
  overflow   per-block slices of a global scratch buffer the host allocates (`T* v`, accesses
             flattened to `v[i * J + j]`).
A block-level `T* p = (T*)malloc(n)` (dynamic shared memory in the source) is carved from the
kernel's dynamic shared memory when it fits at run time, else from the scratch slice.
"""
from __future__ import annotations

import dataclasses

from xpiler import ir
from xpiler.irutil import array_initialization, binary, const, map_child_statements, walk
from xpiler.types import DType, I32, I64, U32, U64, Array, Pointer, Space, Type, scalar, sizeof

from .offload import is_parallel
from .scoped import map_top_down, own_exprs
from .simt_kernel import cannot, normal_form, sum_of

ALIGN = 256                       # bytes between scratch and dynamic-shared slices
U8 = scalar(DType.U8)
BYTES = Pointer(U8)


class BlockMemory:
    """The memory plan of one block body; `block` is the kernel's block (simt_block.BlockKernel)."""

    def __init__(self, block):
        self.block = block
        self.target = block.target
        body = block.body
        count: dict[str, int] = {}
        for d in walk(body):
            if isinstance(d, ir.Decl):
                count[d.name] = count.get(d.name, 0) + 1
        level = list(block.block_level(body))
        self.dynamic = self.allocations(body, level, count)
        arrays = [s for s in level if isinstance(s, ir.Decl) and isinstance(s.type, Array)]
        for d in arrays:
            if d.type.count == 0 or sizeof(d.type) is None:
                raise cannot(d.span, f"the per-block array '{d.name}' of unknown size", self.target)
            if d.ctor_args is not None or (d.init is not None and not isinstance(d.init, ir.InitList)):
                raise cannot(d.span, f"the per-block array '{d.name}' initialised from an expression", self.target)
            if d.init is not None and "static" in d.storage and not d.storage & {"const", "constexpr"}:
                raise cannot(d.span, f"the static per-block array '{d.name}' with an initializer (set once, "
                                     f"not per block)", self.target)
        unique = [d for d in arrays if count[d.name] == 1]
        in_threads = {n.name for t in block.threads for n in walk(t) if isinstance(n, ir.Var)}
        escaping = _escaping_arrays(body)
        self.locals = {d.name for d in unique if d.name not in in_threads and d.name not in escaping}
        # an initialised array is set element by element (initialise), so never a per-thread `v`
        private = self.thread_private({d.name for d in unique if d.name in in_threads and d.init is None})
        self.registers = {d.name: d.type for d in unique if d.name in private}
        self.shared: dict[str, Type] = {}
        self.overflow: dict[str, Type] = {}
        used = 0
        for d in arrays:
            if d.name in self.registers or d.name in self.locals:
                continue
            size = sizeof(d.type)
            if used + size <= block.kb.em.shared_limit:
                self.shared[d.name] = d.type
                used += size
            elif count[d.name] == 1:
                self.overflow[d.name] = d.type
            else:
                raise cannot(d.span, f"the per-block array '{d.name}' (too large for shared memory "
                                     f"and declared more than once)", self.target)
        self.static_shared = used
        self.offsets, off = {}, 0
        for name, t in self.overflow.items():
            self.offsets[name] = off
            off += -(-sizeof(t) // ALIGN) * ALIGN
        self.overflow_bytes = off

    def allocations(self, body, level, count) -> dict[str, ir.Expr]:
        """Block-level `T* p = malloc(size)` at the top of the body: name -> size."""
        top = {id(s) for s in (body.stmts if isinstance(body, ir.Block) else (body,))}
        params = {n for n, _ in self.block.kb.params}
        out = {}
        for s in level:
            size = _alloc_size(s.init) if isinstance(s, ir.Decl) else None
            if size is None:
                continue
            if id(s) not in top or count[s.name] != 1 or not isinstance(s.type, Pointer):
                raise cannot(s.span, "an allocation inside the block body that is not a per-block "
                                     "buffer declared at its top", self.target)
            if any(isinstance(n, ir.Var) and n.name not in params for n in walk(size)):
                raise cannot(s.span, "a per-block buffer whose size depends on the block", self.target)
            out[s.name] = size
        return out

    def thread_private(self, names: set[str]) -> set[str]:
        """The `names` every use of which is `name[t]` inside a mapped thread loop of index `t`
        (one pass over the body for all of them)."""
        bad: set[str] = set()
        if not names:
            return set()

        def exprs(es, t):
            # counted, not compared by identity: IR nodes may be shared between positions
            for e in es:
                private: dict[str, int] = {}
                uses: dict[str, int] = {}
                for n in walk(e):
                    if isinstance(n, ir.Index) and isinstance(n.base, ir.Var) and n.base.name in names \
                            and t is not None and isinstance(n.index, ir.Var) and n.index.name == t:
                        private[n.base.name] = private.get(n.base.name, 0) + 1
                    if isinstance(n, ir.Var) and n.name in names:
                        uses[n.name] = uses.get(n.name, 0) + 1
                bad.update(n for n, k in uses.items() if k > private.get(n, 0))

        def visit(s, t, in_thread):
            # t: the index of the enclosing mapped thread loop while it is visible, else None
            if isinstance(s, ir.Block):
                for x in s.stmts:
                    visit(x, t, in_thread)
                    if isinstance(x, ir.Decl) and x.name == t:
                        t = None
                return
            if isinstance(s, ir.For):
                if is_parallel(s) and not in_thread:
                    t = normal_form(s, self.target)[0] if self.block.is_mapped(s) else None
                    in_thread = True
                elif any(isinstance(d, ir.Decl) and d.name == t for d in s.init):
                    t = None
                exprs(own_exprs(s) + tuple(x for st in s.init + s.step for x in own_exprs(st)), t)
                visit(s.body, t, in_thread)
                return
            exprs(own_exprs(s), t)
            subs = {ir.If: lambda: [s.then] + ([s.other] if s.other is not None else []),
                    ir.While: lambda: [s.body],
                    ir.Switch: lambda: [x for c in s.cases for x in c.body]}.get(type(s), lambda: [])
            for x in subs():
                visit(x, t, in_thread)
        visit(self.block.body, None, False)
        return set(names) - bad

    # ---- rewriting ----------------------------------------------------------------------------
    def initialise(self, body: ir.Stmt) -> ir.Stmt:
        """Block-level `T a[N] = {...};` of arrays other threads see (shared, scratch) -> the
        declaration and a block of element assignments (block-level code that writes memory: run
        by thread 0, then a barrier). A local array (every thread its own copy, set by block-level
        code alone) keeps its initializer: each thread evaluates the same block-uniform values."""
        def init_block(d: ir.Decl) -> list[ir.Stmt]:
            decl = dataclasses.replace(d, init=None, storage=d.storage - {"const", "constexpr"})
            target = ir.Var(d.name, d.type, d.span)
            stmts = array_initialization(target, d.init, lambda what: cannot(
                d.init.span or d.span, f"the initializer of the per-block array '{d.name}'"
                + (f" ({what})" if what else ""), self.target))
            return [decl, ir.Block(tuple(stmts), d.span)]

        def visit(s: ir.Stmt) -> ir.Stmt:
            if is_parallel(s):
                return s
            if isinstance(s, ir.Block):
                out: list[ir.Stmt] = []
                for x in s.stmts:
                    if isinstance(x, ir.Decl) and isinstance(x.type, Array) and isinstance(x.init, ir.InitList) \
                            and x.name not in self.locals:
                        out += init_block(x)
                    else:
                        out.append(visit(x))
                return ir.Block(tuple(out), s.span)
            if isinstance(s, ir.Switch):
                return dataclasses.replace(s, cases=tuple(dataclasses.replace(c, body=tuple(
                    visit(ir.Block(tuple(c.body))).stmts)) for c in s.cases))
            return map_child_statements(s, visit)
        return visit(body)

    def rewrite(self, body: ir.Stmt) -> ir.Stmt:
        """`v[t]` of register arrays -> `v`; accesses of scratch arrays -> flat pointer indexing."""
        regs = self.registers

        def fix(n):
            if isinstance(n, ir.Index) and isinstance(n.base, ir.Var) and n.base.name in regs:
                return ir.Var(n.base.name, n.type, n.span)
            return None
        body = map_top_down(body, fix)
        return _flatten(body, self.overflow) if self.overflow else body

    def is_register(self, name: str) -> bool:
        return name in self.registers or name in self.locals

    def decl(self, d: ir.Decl) -> ir.Stmt:
        """The declaration of a block-level array or per-block buffer, in its place."""
        if d.name in self.locals:
            return d
        if d.name in self.registers:
            return ir.Decl(d.name, d.type.of, None, span=d.span)
        if d.name in self.shared:
            return dataclasses.replace(d, space=Space.SHARED, storage=d.storage - {"static"})
        if d.name in self.dynamic:
            names = list(self.dynamic)
            before = names[:names.index(d.name)]
            off = sum_of([_align(self.dynamic[n]) for n in before]) if before else const(0, U64)
            return ir.Decl(d.name, d.type, ir.Cast(binary("+", ir.Var("__dyn", BYTES), off, BYTES), d.type),
                           span=d.span)
        elem = _elem(d.type)
        at = binary("+", ir.Var("__blk_scratch", BYTES), const(self.offsets[d.name], U64), BYTES)
        return ir.Decl(d.name, Pointer(elem), ir.Cast(at, Pointer(elem)), span=d.span)

    # ---- kernel prologue and host side --------------------------------------------------------
    def prologue(self) -> tuple[list[tuple[str, Type]], list[ir.Stmt]]:
        """Extra kernel parameters and the declarations of the block's scratch and dynamic base."""
        if not (self.overflow or self.dynamic):
            return [], []
        bid = ir.Cast(ir.Builtin("blockIdx.x", U32), U64)
        extra = [("__scratch", BYTES), ("__slice", U64)]
        stmts: list[ir.Stmt] = [ir.Decl("__blk_scratch", BYTES, binary(
            "+", ir.Var("__scratch", BYTES), binary("*", bid, ir.Var("__slice", U64)), BYTES))]
        if self.dynamic:
            extra.append(("__dyn_shared", I32))
            stmts.insert(0, ir.Decl("__dyn_smem", Array(U8, None), None, storage=frozenset({"extern"}),
                                    space=Space.SHARED))
            after_overflow = binary("+", ir.Var("__blk_scratch", BYTES), const(self.overflow_bytes, U64), BYTES)
            stmts.append(ir.Decl("__dyn", BYTES, ir.Ternary(ir.Var("__dyn_shared", I32),
                                                            ir.Var("__dyn_smem", BYTES), after_overflow, BYTES)))
        return extra, stmts

    def host(self, kb, grid: ir.Var) -> tuple[list[ir.Stmt], ir.Expr, list[ir.Expr], list[ir.Stmt]]:
        """(statements before the launch, dynamic shared bytes, extra arguments, statements after)."""
        if not (self.overflow or self.dynamic):
            return [], const(0), [], []
        slice_ = kb.host_var("slice", U64)
        scratch = kb.host_var("scratch", BYTES)
        fixed = const(self.overflow_bytes, U64)
        pre: list[ir.Stmt] = []
        shmem: ir.Expr = const(0)
        if self.dynamic:
            dyn, dsh = kb.host_var("dyn", U64), kb.host_var("dyn_shared", I32)
            room = const(kb.em.shared_limit - self.static_shared, U64)
            pre += [ir.Decl(dyn.name, U64, sum_of([_align(s) for s in self.dynamic.values()])),
                    ir.Decl(dsh.name, I32, ir.Cast(binary("<=", dyn, room), I32)),
                    ir.Decl(slice_.name, U64, binary("+", fixed, ir.Ternary(dsh, const(0, U64), dyn, U64)))]
            shmem = ir.Ternary(dsh, dyn, const(0, U64), U64)
            args = [scratch, slice_, dsh]
        else:
            pre.append(ir.Decl(slice_.name, U64, fixed))
            args = [scratch, slice_]
        some = binary(">", slice_, const(0, U64))
        pre += [ir.Decl(scratch.name, BYTES, ir.Cast(const(0), BYTES)),
                ir.If(some, ir.Block((kb.malloc(scratch, binary("*", slice_, ir.Cast(grid, U64))),)))]
        return pre, shmem, args, [ir.If(some, ir.Block((kb.free(scratch),)))]


def _align(e: ir.Expr) -> ir.Expr:
    e = ir.Cast(e, U64)
    return binary("*", binary("/", binary("+", e, const(ALIGN - 1, U64)), const(ALIGN, U64)), const(ALIGN, U64))


def _alloc_size(init: ir.Expr | None) -> ir.Expr | None:
    while isinstance(init, ir.Cast):
        init = init.operand
    if isinstance(init, ir.Call) and init.callee == "malloc":
        return init.args[0]
    if isinstance(init, ir.Call) and init.callee == "aligned_alloc":
        return init.args[1]
    return None


def _escaping_arrays(body: ir.Stmt) -> set[str]:
    """Names of arrays used otherwise than element by element (`a`, `a[i]` of a 2-D array,
    `&a[i]`): their addresses may reach other threads."""
    under_address: set[int] = set()
    indices: list[ir.Index] = []
    variables: list[ir.Var] = []
    for n in walk(body):                          # one walk; nodes may be shared, so decide after it
        if isinstance(n, ir.AddressOf):
            under_address.update(id(x) for x in walk(n.operand))
        elif isinstance(n, ir.Index):
            indices.append(n)
        elif isinstance(n, ir.Var):
            variables.append(n)
    elementwise: set[int] = set()
    for n in indices:
        if not isinstance(n.type, Array) and id(n) not in under_address:
            x = n
            while isinstance(x, ir.Index):
                x = x.base
            elementwise.add(id(x))
    return {n.name for n in variables if id(n) not in elementwise}


def _elem(t: Type) -> Type:
    while isinstance(t, Array):
        t = t.of
    return t


def _dims(t: Type) -> list[int]:
    out = []
    while isinstance(t, Array):
        out.append(t.size)
        t = t.of
    return out


def _flatten(body: ir.Stmt, arrays: dict[str, Type]) -> ir.Stmt:
    """Accesses `a[i][j]` of arrays now held in scratch memory -> `a[i * J + j]` on `T* a`."""
    def fix(n):
        chain, x = [], n
        while isinstance(x, ir.Index):
            chain.append(x.index)
            x = x.base
        if not (isinstance(x, ir.Var) and x.name in arrays and isinstance(x.type, Array)):
            return None
        t = arrays[x.name]
        dims, elem = _dims(t), _elem(t)
        ptr = ir.Var(x.name, Pointer(elem), x.span)
        flat = None
        for k, i in enumerate(reversed(chain)):
            stride = 1
            for d in dims[k + 1:]:
                stride *= d
            i = ir.Cast(map_top_down(i, fix), I64)
            term = i if stride == 1 else binary("*", i, const(stride, I64))
            flat = term if flat is None else binary("+", flat, term)
        if flat is None:
            return ptr
        if len(chain) == len(dims):
            return ir.Index(ptr, flat, elem, n.span)
        return binary("+", ptr, flat, Pointer(elem))
    return map_top_down(body, fix)
