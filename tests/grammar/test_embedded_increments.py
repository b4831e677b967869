"""`++`/`--` inside a statement (`out[k++] = v`, `*p++ = x`, `a[--n] = x`) is a statement of its own
before or after it, exactly when C gives it one meaning; the rest is refused with a position."""
import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter

PACK = """
extern "C" void pack(const float* a, float* out, int n) {
  int k = 0;
  for (int i = 0; i < n; i++) {
    if (a[i] > 0.0f) out[k++] = a[i];
  }
  float* p = out + n;
  int m = n;
  while (m > 0) { *p++ = a[--m] * 2.0f; }
  int j = 0;
  int first = (int)a[j++];
  out[2 * n + j] = (float)first;
}
"""


def test_increments_take_effect_in_c_order():
    rng = np.random.default_rng(7)
    a = rng.normal(size=9).astype(np.float32)
    out = Interpreter(parse(PACK, "pack.cpp", "vnni")).run("pack", {"a": a, "out": np.zeros(20, np.float32), "n": 9})["out"]
    positive = a[a > 0]
    assert np.array_equal(out[:len(positive)], positive)
    assert np.allclose(out[9:18], a[::-1] * 2)
    assert out[19] == np.float32(int(a[0]))


@pytest.mark.parametrize("body, message", [
    ("a[i++] = i;", "'i' incremented and used again"),
    ("a[i++] = a[i++];", "'i' incremented and used again"),
    ("a[0] = i > 0 ? a[i++] : 0.0f;", "conditionally evaluated"),
    ("int t = (i > 1 && a[i++] > 0);", "conditionally evaluated"),
    ("a[0] = a[1]++;", "anything but a local variable"),
])
def test_unsequenced_or_conditional_increments_are_refused(body, message):
    src = f'extern "C" void f(float* a, int i) {{\n  {body}\n}}\n'
    with pytest.raises(XpilerError) as err:
        parse(src, "f.cpp", "vnni")
    assert message in str(err.value)
    assert ":2:" in str(err.value)
