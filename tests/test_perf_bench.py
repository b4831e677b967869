"""bench/perf.py's machinery on two small kernels (one translated from CUDA, one vnni kernel as written), with a
planted wrong torch equivalent that must be refused. Needs torch (the bench extra), g++ and a CPU with AVX-512 VNNI;
the rest of the suite never needs torch."""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xpiler.oracle import native

ROOT = Path(__file__).resolve().parents[1]



def _torch_installed() -> bool:
    try:                                          # without importing it: torch brings its own libgomp
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


pytestmark = [
    pytest.mark.skipif(not _torch_installed(),
                       reason="torch not installed (pip install -e '.[bench]')"),
    pytest.mark.skipif(native.available("vnni") is not None, reason=f"{native.available('vnni')}"),
    pytest.mark.skipif(not native.cpu_runs_vnni(), reason="this CPU lacks AVX-512 VNNI"),
]

PLANTED = '''
register("vnni/add_tail", note="planted: returns ones")(lambda t: {"c": t.c * 0 + 1})
'''


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("perf")
    planted = tmp / "planted.py"
    planted.write_text(PLANTED)
    out = tmp / "rows.json"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "perf.py"), "--quick", "--case-sizes",
                           "--only", "cuda/add_f4", "--only", "vnni/add_tail", "--set", "corpus",
                           "--cache", str(tmp / "cache"), "--equivalents", str(planted), "--json", str(out)],
                          capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout, json.loads(out.read_text())


def test_table_has_the_expected_rows(run):
    table, result = run
    rows = {r["id"]: r for r in result["rows"]}
    assert set(rows) == {"cuda/add_f4", "vnni/add_tail"}
    assert "| cuda/add_f4 | xpiler | elementwise |" in table
    assert "| vnni/add_tail | C | elementwise |" in table
    assert "torch " in table.splitlines()[0] and result["info"]["torch"]
    xp = rows["cuda/add_f4"]
    assert xp["translated"] and not xp.get("wrong")
    assert xp["torch"] == "ok"
    for key in ("xp_1t", "xp_all", "torch_1t", "torch_all", "ratio_1t", "ratio_all", "copyfrac_1t"):
        assert xp[key] > 0, key
    assert xp["size_label"] == "largest case" and xp["case"] == {"n": 10007}


def test_planted_wrong_equivalent_is_refused(run):
    table, result = run
    row = {r["id"]: r for r in result["rows"]}["vnni/add_tail"]
    assert row["torch"].startswith("refused")
    assert row["xp_1t"] > 0 and "ratio_1t" not in row and not row["in_geomean"]
    line = next(l for l in table.splitlines() if l.startswith("| vnni/add_tail |"))
    assert "torch refused" in line
    assert "Torch equivalent refused (1): vnni/add_tail" in table


def test_perf_sizes_match_parameters():
    sys.path.insert(0, str(ROOT / "bench"))
    import perf
    from tests.corpus_support import corpus
    k = {k.id: k for k in corpus("cuda")}
    case, largest, label = perf.perf_case(k["cuda/gemm_tiled"])
    assert label == "perf" and case == {"M": 512, "N": 512, "K": 512}
    case, largest, label = perf.perf_case(k["cuda/conv2d_nchw"])          # #define-fixed shapes
    assert label == "fixed" and case == {}
    case, largest, label = perf.perf_case(k["cuda/pool2d"])               # mode/pad from the largest case
    assert label == "perf" and case["N"] == 16 and "mode" in case and "pad" in case
