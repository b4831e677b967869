"""The IR text of a few kernels is pinned (tests/golden/ir); `pytest --update-golden` rewrites it."""
from pathlib import Path

import pytest

from xpiler.grammar import parse_file
from xpiler.printer import print_module
from tests.corpus_support import CORPUS

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "ir"
PINNED = ["cuda/gemm_wmma.cu", "hip/gemm_mfma_f32.hip", "vnni/gemm_u8s8_dpbusd.cpp", "cuda/softmax_rows.cu"]


@pytest.mark.parametrize("name", PINNED)
def test_ir_text_is_pinned(name, request):
    text = print_module(parse_file(CORPUS / name))
    golden = GOLDEN / (name.replace("/", "__") + ".ir")
    if request.config.getoption("--update-golden"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text)
    assert golden.exists(), f"missing golden file {golden}; run pytest --update-golden"
    assert text == golden.read_text()
