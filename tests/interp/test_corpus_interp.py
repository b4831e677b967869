"""Every corpus kernel, every case, runs in the interpreter and meets its numpy reference."""
import time

import pytest

from xpiler.grammar import parse_file
from xpiler.interp import Interpreter
from tests.corpus_support import assert_outputs_match, corpus

CASES = [pytest.param(k, i, id=f"{k.id}[{i}]") for k in corpus() for i in range(len(k.cases()))]


@pytest.mark.parametrize("kernel,index", CASES)
def test_interpreter_meets_reference(kernel, index):
    inputs = kernel.inputs(kernel.cases()[index])
    module = parse_file(kernel.source)
    start = time.perf_counter()
    out = Interpreter(module).run(kernel.reference.ENTRY, inputs)
    elapsed = time.perf_counter() - start
    assert_outputs_match(kernel, out, kernel.reference.reference(inputs))
    assert elapsed < 10, f"{kernel.id} took {elapsed:.1f} s in the interpreter (target < 10 s)"
