"""The sizes a kernel was written for, and sizes that cross its tiles.

Fixed-shape kernels are common in the wild: the launcher takes `int rows, int cols`, the body
hard-codes `threadIdx.x * 96` and `k < 128`. Random size draws then fault in the source itself
(the device buffers the launcher allocates are too small for what the body touches), and no
example is valid. The shape the kernel was written for is in its text: the integer literals of
loop bounds, guards, strides, array dimensions and the launch. `written_for` searches that
pool: first one value for every size parameter (the smallest that runs without a fault, by
bisection: a larger value allocates more), then each parameter shrunk to the smallest pool value
that still runs. A run "works" when the source runs without a fault (`valid`): the search only
ever calls the interpreter, so it holds for launchers of any shape.

Tiled kernels hide block-offset bugs when every size fits in one tile. `tile_constants` are the
literals that size tiles (loop strides, block dimensions, on-chip array dimensions, divisors in
`(n + 31) / 32`); `crossing` gives a size point where every size parameter is at least twice the
largest, so at least one example reaches a second tile in every tiled loop.
"""
from __future__ import annotations

from typing import Callable

import z3

from xpiler import ir
from xpiler.constfold import fold
from xpiler.irutil import transform, walk
from xpiler.types import Array, Pointer, Scalar
from xpiler.z3ir import Z3Ints, is_int

DEVICE_MALLOC = {"cudaMalloc", "hipMalloc", "cnrtMalloc"}

MAX_SIZE = 1 << 16
MAX_TILE = 256                    # a larger "tile" is a shape, not a tile


def _ints(e) -> list[int]:
    return [int(n.value) for n in walk(e) if isinstance(n, ir.Const) and isinstance(n.value, int)
            and not isinstance(n.value, bool) and 1 < int(n.value) <= MAX_SIZE]


def shape_literals(module: ir.Module) -> list[int]:
    """Integer literals that look like shapes: loop bounds and steps, comparison operands (guards),
    multipliers and divisors of index arithmetic, array dimensions, launch configurations and
    `__launch_bounds__`; ascending, without repeats."""
    found: set[int] = set()
    for fn in module.functions:
        if fn.body is None:
            continue
        for b in fn.launch_bounds:
            found.update(_ints(b))
        for n in walk(fn.body):
            if isinstance(n, ir.Binary) and n.op in ("<", "<=", ">", ">=", "==", "!=", "*", "/", "%"):
                for side in (n.left, n.right):
                    if isinstance(side, ir.Const):
                        found.update(_ints(side))
            elif isinstance(n, ir.Decl) and isinstance(n.type, Array):
                t = n.type
                while isinstance(t, Array):
                    if t.size is not None and 1 < t.size <= MAX_SIZE:
                        found.add(int(t.size))
                    t = t.of
            elif isinstance(n, ir.Launch):
                for c in n.config:
                    found.update(_ints(c))
    for g in module.globals:
        if isinstance(g.type, Array) and g.type.size and 1 < g.type.size <= MAX_SIZE:
            found.add(int(g.type.size))
    return sorted(found)


def tile_constants(module: ir.Module) -> list[int]:
    """Literals that size tiles: loop steps, block sizes of launches, dimensions of on-chip arrays
    (shared memory, NRAM/WRAM, local tiles), divisors of index arithmetic and `__launch_bounds__`."""
    found: set[int] = set()
    for fn in module.functions:
        if fn.body is None:
            continue
        for b in fn.launch_bounds:
            found.update(_ints(b))
        for n in walk(fn.body):
            if isinstance(n, ir.For):
                for s in n.step:
                    if isinstance(s, ir.Assign) and s.op in ("+", "-") and isinstance(s.value, ir.Const):
                        found.update(_ints(s.value))
            elif isinstance(n, ir.Binary) and n.op in ("/", "%") and isinstance(n.right, ir.Const) \
                    and is_int(n.left):
                found.update(_ints(n.right))
            elif isinstance(n, ir.Decl) and isinstance(n.type, Array) and n.type.size:
                found.add(int(n.type.size))
            elif isinstance(n, ir.Launch) and len(n.config) > 1 and module.platform is not ir.Platform.BANG:
                found.update(_ints(n.config[1]))
    return sorted(v for v in found if v <= MAX_TILE)


def tile_sizes(*modules: ir.Module) -> list[int]:
    """The largest tile constant of each module, ascending, without repeats."""
    return sorted({max(tiles) for tiles in map(tile_constants, modules) if tiles})


def _smallest(pool: list[int], works: Callable[[int], bool]) -> int | None:
    """The smallest value of ascending `pool` for which `works` holds, assuming it holds for every
    value above one that works (bisection); None if not even the largest works."""
    if not pool or not works(pool[-1]):
        return None
    lo, hi = 0, len(pool) - 1
    while lo < hi:
        mid = (lo + hi) // 2
        if works(pool[mid]):
            hi = mid
        else:
            lo = mid + 1
    return pool[lo]


def device_allocations(entry: ir.Function) -> dict[str, ir.Expr]:
    """Device buffers a launcher allocates: pointer variable -> bytes, as an expression of the
    entry's parameters (local integers defined once are substituted; allocations whose size needs
    anything else, or that happen in a loop, are left out)."""
    params = {p.name for p in entry.params}
    defs: dict[str, ir.Expr] = {}
    assigned: dict[str, int] = {}
    for n in walk(entry.body):
        if isinstance(n, ir.Decl) and n.init is not None and isinstance(n.type, Scalar):
            defs[n.name] = n.init
            assigned[n.name] = assigned.get(n.name, 0) + 1
        elif isinstance(n, ir.Assign) and isinstance(n.target, ir.Var):
            assigned[n.target.name] = assigned.get(n.target.name, 0) + 2
    looped = {id(c) for loop in walk(entry.body) if isinstance(loop, (ir.For, ir.While)) and not _once(loop)
              for c in walk(loop.body)}
    out: dict[str, ir.Expr] = {}
    for n in walk(entry.body):
        if not (isinstance(n, ir.Call) and n.callee in DEVICE_MALLOC and len(n.args) >= 2) or id(n) in looped:
            continue
        target = n.args[0]
        while isinstance(target, (ir.Cast, ir.AddressOf)):
            target = target.operand
        size = n.args[1]
        for _ in range(8):                      # substitute local definitions (chains)
            size = transform(size, lambda x: defs[x.name] if isinstance(x, ir.Var) and x.name not in params
                             and assigned.get(x.name) == 1 and x.name in defs else x)
        free = {x.name for x in walk(size) if isinstance(x, ir.Var)}
        if isinstance(target, ir.Var) and free <= params and target.name not in out:
            out[target.name] = size
    return out


def _once(loop) -> bool:
    """`do { ... } while (0)`, the body of an error-checking macro: runs once, not a loop."""
    return isinstance(loop, ir.While) and loop.do_while and fold(loop.cond) == 0


def solve(names: list[str], pool: list[int], allocations: dict[str, ir.Expr],
          needed: dict[str, int], fixed: dict, exact: bool = False) -> dict | None:
    """Sizes from `pool` (any positive integers when it is empty: a byte count is rarely a
    literal) with every device allocation at least the bytes its buffer needs (z3), as tight as
    possible (the least total allocation: a launcher that copies back what it allocated then
    copies back only what its kernels wrote); `exact`: every allocation exactly what its kernels
    touch (a kernel written for its sizes touches all of its buffers: tried first)."""
    env = Z3Ints()
    solver = z3.Solver()
    solver.set("timeout", 3000)
    sizes = {n: env.var(n) for n in names}
    for n, v in sizes.items():
        if n in fixed:
            solver.add(v == fixed[n])
        elif pool:
            solver.add(z3.Or([v == c for c in pool]))
        else:
            solver.add(v >= 1, v <= MAX_SIZE * 64)
    total = z3.IntVal(0)
    for buf, expr in allocations.items():
        if buf in needed and all(not isinstance(x, ir.Var) or x.name in sizes or not is_int(x) for x in walk(expr)):
            size = env.int(expr)
            solver.add(size == needed[buf] if exact else size >= needed[buf])
            total = total + size
    best = None
    for _ in range(32):              # tighten: z3's optimiser gives up on products, a solver does not
        if solver.check() != z3.sat:
            break
        model = solver.model()
        best = {n: model.eval(v, model_completion=True).as_long() for n, v in sizes.items()}
        solver.add(total < model.eval(total, model_completion=True))
    return best


def written_for(names: list[str], pool: list[int], valid: Callable[[dict], bool],
                given: dict | None = None, footprint: Callable[[dict], dict | None] | None = None,
                allocations: dict[str, ir.Expr] | None = None) -> dict | None:
    """A size point (name -> value) from `pool` where the source runs without a fault (`valid`);
    `given` fixes some parameters. With the launcher's device `allocations` and a `footprint`
    (bytes each device buffer needs at a size point, from a padded run), the point is solved for
    with z3 (at most three rounds: what a kernel touches may depend on the sizes); otherwise, or
    when that finds nothing, by bisection over the pool. None when no point works."""
    pool = sorted(set(pool) | {1})
    fixed = dict(given or {})
    if footprint is not None and allocations:
        point = {n: fixed.get(n, 1) for n in names}
        for _ in range(3):
            measured = footprint(point)
            if measured is None:
                break
            needed = {b: touched for b, (_, touched) in measured.items()}
            divisors = _divisor_pool(pool, needed.values())
            solved = solve(names, pool, allocations, needed, fixed, exact=True) or \
                solve(names, divisors, allocations, needed, fixed, exact=True) or \
                solve(names, pool, allocations, needed, fixed) or \
                solve(names, divisors, allocations, needed, fixed) or \
                solve(names, [], allocations, needed, fixed)
            if solved is None or solved == point and not valid(solved):
                break
            if valid(solved):
                return solved
            point = solved
    return _bisect(names, pool, valid, fixed)


def _divisor_pool(pool: list[int], needed) -> list[int]:
    """`pool` with the divisors d of each needed byte count, and d +- 1: sizes a kernel does not
    spell (`h` = 11 where its loops say 10 = h - 1) are factors of what it touches, and a finite
    pool keeps z3's nonlinear search small."""
    out = set(pool)
    for n in needed:
        n = int(n)
        if 0 < n <= 1 << 40:
            d = 1
            while d * d <= n:
                if n % d == 0:
                    for k in (d, n // d):
                        if k <= MAX_SIZE:
                            out.update((k - 1, k, k + 1))
                d += 1
    return sorted(v for v in out if v >= 1)


def _bisect(names: list[str], pool: list[int], valid: Callable[[dict], bool], fixed: dict) -> dict | None:
    """One pool value for every free parameter (the smallest that works: a larger value
    allocates more), then each shrunk to the smallest that still works."""
    free = [n for n in names if n not in fixed]
    if not free:
        return fixed if valid(fixed) else None
    tried: dict[tuple, bool] = {}

    def works(point: dict) -> bool:
        key = tuple(sorted(point.items()))
        if key not in tried:
            tried[key] = valid(point)
        return tried[key]
    uniform = _smallest(pool, lambda v: works({**fixed, **{n: v for n in free}}))
    if uniform is None:
        return None
    point = {**fixed, **{n: uniform for n in free}}
    for n in free:
        below = [v for v in pool if v <= point[n]]
        point[n] = _smallest(below, lambda v: works({**point, n: v}))
    return point


def crossing(names: list[str], tiles: list[int], base: dict, valid: Callable[[dict], bool]) -> list[dict]:
    """Size points that reach at least twice the largest tile T: every size parameter at 2T+1
    (a tail), 2T or 3T in one point when the source runs there (`valid` also refuses points too
    costly to run), else one point per parameter (the others as in `base`). Empty when none runs."""
    if not tiles or not names:
        return []
    t = max(tiles)
    raised = lambda ns, v: {**base, **{n: max(int(base.get(n, 0)), v) for n in ns}}
    for v in (2 * t + 1, 2 * t, 3 * t):
        if valid(raised(names, v)):
            return [raised(names, v)]
    points = []
    for n in names:
        if int(base.get(n, 0)) >= 2 * t:
            continue
        point = next((raised([n], v) for v in (2 * t + 1, 2 * t, 3 * t) if valid(raised([n], v))), None)
        if point is not None:
            points.append(point)
    return points
