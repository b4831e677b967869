"""`xpiler check` and xpiler.testing: equivalent ports pass; a planted off-by-one is found and
shrunk to the smallest size; mismatched signatures are a usage error (exit 2)."""
import subprocess
import sys
from pathlib import Path

import pytest

from xpiler.testing import assert_equivalent, find_counterexample

HERE = Path(__file__).parent
CU, CPP, BUGGY = HERE / "vector_add.cu", HERE / "vector_add.cpp", HERE / "vector_add_off_by_one.cpp"


def test_equivalent_ports_pass():
    assert_equivalent(CU, CPP, sizes={"n": (1, 3000)}, examples=15)


def test_off_by_one_is_found_and_shrunk():
    cex = find_counterexample(CU, BUGGY, sizes={"n": (1, 3000)}, examples=30)
    assert cex is not None
    assert cex.sizes == {"n": 1}                # the smallest failing size
    assert cex.mismatch.output == "c" and cex.mismatch.index == 0


def test_assert_equivalent_message_names_output_and_index():
    with pytest.raises(AssertionError, match=r"output 'c' differs at index 0"):
        assert_equivalent(CU, BUGGY, examples=20)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "xpiler.cli", *map(str, args)], capture_output=True, text=True)


def test_cli_exit_codes(tmp_path):
    assert _cli("check", CU, CPP, "--examples", "5").returncode == 0
    bad = _cli("check", CU, BUGGY, "--examples", "20")
    assert bad.returncode == 1 and "counterexample: output 'c'" in bad.stdout
    other = tmp_path / "other.cpp"
    other.write_text('extern "C" void f(const int* a, int n) {}')
    usage = _cli("check", CU, other)
    assert usage.returncode == 2 and "parameters" in usage.stderr


def test_cli_run_writes_outputs(tmp_path):
    import numpy as np
    out = tmp_path / "out.npz"
    proc = _cli("run", CU, "--size", "n=100", "--outputs", out)
    assert proc.returncode == 0, proc.stderr
    with np.load(out) as data:
        np.testing.assert_allclose(data["c"][:100], data["a"][:100] + data["b"][:100])
