"""Every bang corpus kernel, every case: compiled with g++ through the BANG-on-CPU emulation
header (oracle/include/bang.h, cnrt.h) and run natively; outputs compared with the numpy
reference (integers exactly, floats within TOLERANCE)."""
from __future__ import annotations

import importlib
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pytest  # noqa: E402

native = importlib.import_module("oracle.native")
support = importlib.import_module("tests.corpus_support")

KERNELS = support.corpus("bang")
PARAMS = [pytest.param(k, case, id=f"{k.name}[{i}]")
          for k in KERNELS for i, case in enumerate(k.cases())]


def test_corpus_not_empty():
    assert KERNELS, "no bang corpus kernels found under tests/corpus/bang"


def test_references_well_formed():
    for k in KERNELS:
        ref = k.reference
        for attr in ("ENTRY", "PARAMS", "OUTPUTS", "FAMILY", "make_inputs", "reference"):
            assert hasattr(ref, attr), f"{k.id}: reference lacks {attr}"
        assert set(ref.OUTPUTS) <= set(ref.PARAMS), f"{k.id}: OUTPUTS not all in PARAMS"
        assert ref.__doc__ and ref.__doc__.strip(), f"{k.id}: reference has no docstring"
        assert f'extern "C" void {ref.ENTRY}(' in k.source.read_text(), f"{k.id}: no extern \"C\" {ref.ENTRY}"


@pytest.mark.parametrize("kernel,case", PARAMS)
def test_native_matches_reference(kernel, case):
    missing = native.available("bang")
    if missing:
        pytest.skip(f"cannot compile bang kernels with the emulation header: {missing}")
    ref = kernel.reference
    inputs = kernel.inputs(case)
    expected = ref.reference({k: (v.copy() if hasattr(v, "copy") else v) for k, v in inputs.items()})
    assert set(expected) == set(ref.OUTPUTS), f"{kernel.id}: reference() returns {sorted(expected)}"
    got = native.run_native(kernel.source, "bang", ref.ENTRY, ref.PARAMS, inputs)
    for name, want in expected.items():
        assert got[name].dtype == want.dtype, f"{kernel.id}: {name} dtype {got[name].dtype} != {want.dtype}"
    support.assert_outputs_match(kernel, {n: got[n] for n in ref.OUTPUTS}, expected)
