"""Every vnni corpus kernel, every case: compiled with g++ and run natively on this CPU,
outputs compared with the numpy reference (integers exactly, floats within TOLERANCE)."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

native = importlib.import_module("xpiler.oracle.native")
support = importlib.import_module("tests.corpus_support")

KERNELS = support.corpus("vnni")
PARAMS = [pytest.param(k, case, id=f"{k.name}[{i}]")
          for k in KERNELS for i, case in enumerate(k.cases())]


def _skip_reason() -> str | None:
    missing = native.available("vnni")
    if missing:
        return f"cannot compile vnni kernels: {missing}"
    if not native.cpu_runs_vnni():
        return "this CPU lacks avx512_vnni (no 'avx512_vnni' flag in /proc/cpuinfo)"
    return None


def test_corpus_not_empty():
    assert KERNELS, "no vnni corpus kernels found under tests/corpus/vnni"


def test_references_well_formed():
    for k in KERNELS:
        ref = k.reference
        for attr in ("ENTRY", "PARAMS", "OUTPUTS", "FAMILY", "make_inputs", "reference"):
            assert hasattr(ref, attr), f"{k.id}: reference lacks {attr}"
        assert set(ref.OUTPUTS) <= set(ref.PARAMS), f"{k.id}: OUTPUTS not all in PARAMS"
        assert ref.__doc__ and ref.__doc__.strip(), f"{k.id}: reference has no docstring"


@pytest.mark.parametrize("kernel,case", PARAMS)
def test_native_matches_reference(kernel, case):
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    ref = kernel.reference
    inputs = kernel.inputs(case)
    expected = ref.reference({k: (v.copy() if hasattr(v, "copy") else v) for k, v in inputs.items()})
    assert set(expected) == set(ref.OUTPUTS), f"{kernel.id}: reference() returns {sorted(expected)}"
    got = native.run_native(kernel.source, "vnni", ref.ENTRY, ref.PARAMS, inputs)
    for name, want in expected.items():
        assert got[name].dtype == want.dtype, f"{kernel.id}: {name} dtype {got[name].dtype} != {want.dtype}"
    support.assert_outputs_match(kernel, {n: got[n] for n in ref.OUTPUTS}, expected)
