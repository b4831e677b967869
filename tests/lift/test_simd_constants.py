"""immintrin.h predicate constants (`_CMP_GT_OQ`, `_MM_CMPINT_LT`) parse, run in the interpreter,
and reach a translation that compiles without immintrin.h (spelled by value)."""
import numpy as np

from xpiler.grammar import parse
from xpiler.interp import Interpreter
from xpiler.lift import lift
from xpiler.printer import print_module

SRC = """
#include <immintrin.h>
#include <stdint.h>
extern "C" void cmp_gt(const float* __restrict__ x, uint16_t* __restrict__ out, int n) {
    for (int i = 0; i + 16 <= n; i += 16)
        out[i / 16] = _mm512_cmp_ps_mask(_mm512_loadu_ps(x + i), _mm512_setzero_ps(), _CMP_GT_OQ);
}
"""


def test_compare_predicate_constant():
    x = np.random.default_rng(0).standard_normal(48).astype(np.float32)
    out = Interpreter(parse(SRC, "cmp.cpp", "vnni")).run(
        "cmp_gt", {"x": x, "out": np.zeros(3, np.uint16), "n": np.int32(48)})["out"]
    want = [sum(1 << j for j in range(16) if x[16 * k + j] > 0) for k in range(3)]
    assert out.tolist() == want
    text = print_module(lift(parse(SRC, "cmp.cpp", "vnni")))
    assert "_CMP_GT_OQ" not in text and "30" in text
