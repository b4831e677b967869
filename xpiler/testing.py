"""Property-based equivalence of two ports of a kernel, for xpiler's tests and for users' own.

    from xpiler.testing import assert_equivalent
    assert_equivalent("add.cu", "add.cpp", sizes={"n": (1, 5000)})

Integer scalar parameters are sizes: hypothesis draws them (from `sizes`, a value or a (lo, hi)
range per name; default 1..48) together with a seed for the array contents, runs both programs
in the interpreter, compares every array (see xpiler.oracle.differential for the tolerance)
and, on a difference, shrinks to a minimal failing case and reports it.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed as hseed, settings, strategies as st

from xpiler.oracle.differential import (DEFAULT_SIZE_RANGE, Mismatch, Program, check_compatible,
                                        compare, load_program, run_program, size_params,
                                        synthesize)

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

    @hseed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), phases=[Phase.generate, Phase.shrink])
    @given(drawn=_size_strategy(a, sizes), data_seed=st.integers(0, 2**16))
    def prop(drawn, data_seed):
        rng = np.random.default_rng(data_seed)
        inputs_a = synthesize(a.entry, drawn, rng, lengths)
        inputs_b = {pb.name: inputs_a[pa.name] for pa, pb in zip(a.params, b.params)}
        out_a = run_program(a, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs_a.items()})
        out_b = run_program(b, {k: (v.copy() if isinstance(v, np.ndarray) else v) for k, v in inputs_b.items()})
        mismatch = compare(out_a, out_b, a, b, inputs_a)
        if mismatch is not None:
            found.append(Counterexample(mismatch, dict(drawn), data_seed, a, b))
            raise AssertionError(mismatch.render(a.label, b.label))

    try:
        prop()
    except AssertionError:
        return found[-1] if found else None
    return None


def assert_equivalent(a, b, sizes: dict | None = None, examples: int = 30, seed: int = 0,
                      lengths: dict | None = None) -> None:
    """Raise AssertionError with the minimal counterexample if `a` and `b` compute differently."""
    cex = find_counterexample(a, b, sizes, examples, seed, lengths)
    if cex is not None:
        raise AssertionError(cex.render())
