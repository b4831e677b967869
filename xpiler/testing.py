"""Property-based equivalence of two ports of a kernel, for xpiler's tests and for users' own.

    from xpiler.testing import assert_equivalent
    assert_equivalent("add.cu", "add.cpp", sizes={"n": (1, 5000)})

Integer scalar parameters are sizes: hypothesis draws them (from `sizes`, a value or a (lo, hi)
range per name; default 1..24) together with a seed for the array contents, runs both programs
in the interpreter, compares every array (see xpiler.oracle.differential for the tolerance)
and, on a difference, shrinks to a minimal failing case and reports it. Draws on which the
first program itself faults are rejected, not reported. Besides the draws:
for a fixed-shape kernel (random draws fault) only the sizes it was written for are tried;
otherwise, after the random draws agree, sizes that reach two tiles of every tiled loop of
either program (oracle/sizes.py), so that a block-offset bug cannot hide behind sizes that fit
in one tile.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, assume, given, seed as hseed, settings, strategies as st
from hypothesis.errors import Unsatisfiable

from xpiler.diagnostics import XpilerError
from xpiler.oracle.differential import (DEFAULT_SIZE_RANGE, Mismatch, Program, check_compatible, copy_arrays,
                                        compare, load_program, run_program, size_params,
                                        synthesize)
from xpiler.oracle.sizes import crossing, shape_literals, tile_sizes, written_for

__all__ = ["assert_equivalent", "find_counterexample", "Counterexample", "load_program"]


@dataclass
class Counterexample:
    mismatch: Mismatch
    sizes: dict
    data_seed: int
    a: Program
    b: Program

    def render(self) -> str:
        return self.mismatch.render(self.a.label, self.b.label) + f"\n  (sizes {self.sizes}, data seed {self.data_seed})"


def _as_program(x, platform=None, entry=None) -> Program:
    if isinstance(x, Program):
        return x
    return load_program(Path(x), platform, entry)


def _size_strategy(a: Program, sizes: dict | None):
    strategies = {}
    for name in size_params(a.entry):
        spec = (sizes or {}).get(name, DEFAULT_SIZE_RANGE)
        if isinstance(spec, tuple):
            strategies[name] = st.integers(spec[0], spec[1])
        else:
            strategies[name] = st.just(int(spec))
    return st.fixed_dictionaries(strategies)


def find_counterexample(a, b, sizes: dict | None = None, examples: int = 30, seed: int = 0,
                        lengths: dict | None = None) -> Counterexample | None:
    """Search for inputs on which `a` and `b` differ; None if `examples` cases agree."""
    a, b = _as_program(a), _as_program(b)
    check_compatible(a, b)
    found: list[Counterexample] = []
    runs: dict[tuple, object] = {}

    def run_a(drawn: dict, data_seed: int):
        """(inputs, outputs) of the first program, or None when it faults at these sizes."""
        key = (tuple(sorted(drawn.items())), data_seed)
        if key not in runs:
            inputs = synthesize(a.entry, drawn, np.random.default_rng(data_seed), lengths)
            try:
                runs[key] = (inputs, run_program(a, copy_arrays(inputs)))
            except XpilerError:
                runs[key] = None
        return runs[key]

    def differs(drawn: dict, data_seed: int) -> Counterexample | None:
        ran = run_a(drawn, data_seed)
        if ran is None:
            return None
        inputs_a, out_a = ran
        inputs_b = {pb.name: inputs_a[pa.name] for pa, pb in zip(a.params, b.params)}
        out_b = run_program(b, copy_arrays(inputs_b))
        mismatch = compare(out_a, out_b, a, b, inputs_a)
        return None if mismatch is None else Counterexample(mismatch, dict(drawn), data_seed, a, b)

    valid = lambda p: run_a(p, 0) is not None
    written, beyond = explicit_points(a, b, sizes, valid)
    if written is not None:                   # a fixed-shape kernel: random sizes fault
        return next((c for c in (differs(p, s) for p in written for s in range(max(1, examples // 10)))
                     if c is not None), None)

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    @given(drawn=_size_strategy(a, sizes), data_seed=st.integers(0, 2**16))
    def prop(drawn, data_seed):
        assume(run_a(drawn, data_seed) is not None)
        cex = differs(drawn, data_seed)
        if cex is not None:
            found.append(cex)
            raise AssertionError(cex.mismatch.render(a.label, b.label))

    try:
        prop()
    except AssertionError:
        return found[-1] if found else None
    except Unsatisfiable:
        pass
    # random sizes agree (or all fault): sizes two tiles wide, where block offsets show
    return next((c for c in (differs(p, 0) for p in beyond) if c is not None), None)


def explicit_points(a: Program, b: Program, sizes: dict | None, valid) -> tuple[list[dict] | None, list[dict]]:
    """(for a fixed-shape kernel, whose random sizes fault, the sizes it was written for, else
    None; points two tiles wide in every size parameter, tried after the random draws)."""
    names = size_params(a.entry)
    if not names:
        return None, []
    user = sizes or {}
    fixed = {n: v for n, v in user.items() if not isinstance(v, tuple)}
    free = [n for n in names if n not in fixed]
    rng = np.random.default_rng(0)
    draws = [{n: fixed.get(n, int(rng.integers(*_range(user.get(n, DEFAULT_SIZE_RANGE))))) for n in names}
             for _ in range(4)]
    base = next((d for d in draws if valid(d)), None)
    if base is None and free:
        point = written_for(names, sorted(set(shape_literals(a.module)) | set(fixed.values())), valid, fixed)
        return ([point] if point is not None else []), []
    if base is None:
        return None, []
    points = []
    for t in tile_sizes(a.module, b.module):
        points += crossing(free, [t], base, valid)
    return None, points


def _range(spec) -> tuple[int, int]:
    return (spec[0], spec[1] + 1) if isinstance(spec, tuple) else (spec, spec + 1)


def assert_equivalent(a, b, sizes: dict | None = None, examples: int = 30, seed: int = 0,
                      lengths: dict | None = None) -> None:
    """Raise AssertionError with the minimal counterexample if `a` and `b` compute differently."""
    cex = find_counterexample(a, b, sizes, examples, seed, lengths)
    if cex is not None:
        raise AssertionError(cex.render())
