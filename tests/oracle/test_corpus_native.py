"""Ground truth of the corpus: every kernel's reference file is well formed, and every kernel that
can run on this machine meets its numpy reference natively, every case — vnni with g++ on this
CPU, bang through the BANG-on-CPU emulation header (cuda/hip: tests/oracle/test_simt_cpu.py)."""
import pytest

from xpiler.oracle import native
from tests.corpus_support import assert_outputs_match, corpus

KERNELS = corpus()
NATIVE = [pytest.param(k, case, id=f"{k.id}[{i}]") for k in corpus("vnni") + corpus("bang")
          for i, case in enumerate(k.cases())]


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.id) for k in KERNELS])
def test_reference_well_formed(kernel):
    ref = kernel.reference
    for attr in ("ENTRY", "PARAMS", "OUTPUTS", "FAMILY", "make_inputs", "reference"):
        assert hasattr(ref, attr), f"{kernel.id}: reference lacks {attr}"
    assert set(ref.OUTPUTS) <= set(ref.PARAMS), f"{kernel.id}: OUTPUTS not all in PARAMS"
    assert ref.__doc__ and ref.__doc__.strip(), f"{kernel.id}: reference has no docstring"
    assert f'extern "C" void {ref.ENTRY}(' in kernel.source.read_text(), f"{kernel.id}: no extern \"C\" {ref.ENTRY}"
    inputs = kernel.inputs(kernel.cases()[0])
    assert set(inputs) == set(ref.PARAMS), f"{kernel.id}: make_inputs keys differ from PARAMS"


@pytest.mark.parametrize("kernel,case", NATIVE)
def test_native_matches_reference(kernel, case):
    missing = native.available(kernel.platform)
    if missing:
        pytest.skip(f"cannot compile {kernel.platform} kernels: {missing}")
    if kernel.platform == "vnni" and not native.cpu_runs_vnni():
        pytest.skip("this CPU lacks avx512_vnni (no 'avx512_vnni' flag in /proc/cpuinfo)")
    ref = kernel.reference
    inputs = kernel.inputs(case)
    expected = ref.reference({k: (v.copy() if hasattr(v, "copy") else v) for k, v in inputs.items()})
    assert set(expected) == set(ref.OUTPUTS), f"{kernel.id}: reference() returns {sorted(expected)}"
    got = native.run_native(kernel.source, kernel.platform, ref.ENTRY, ref.PARAMS, inputs)
    for name, want in expected.items():
        assert got[name].dtype == want.dtype, f"{kernel.id}: {name} dtype {got[name].dtype} != {want.dtype}"
    assert_outputs_match(kernel, {n: got[n] for n in ref.OUTPUTS}, expected)
