"""Bad input gives `file:line:col: error: ...` with the source line and a caret, never a traceback.

Each case marks its offending line with `// expected-error: <text>`; the test checks the line
number and that the message contains the text.
"""
import re
import subprocess
import sys

import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse

CASES = {
    "goto.cu": """
__global__ void k(float* a) {
  goto done;                        // expected-error: not supported: goto
}
""",
    "lambda.cu": """
__global__ void k(float* a) {
  auto f = [](int x) { return x; }; // expected-error: not supported: lambda
}
""",
    "undeclared.cu": """
__global__ void k(float* a, int n) {
  int i = threadIdx.x;
  if (i < m) a[i] = 0.0f;           // expected-error: undeclared identifier 'm'
}
""",
    "missing_semicolon.hip": """
__global__ void k(float* a) {
  float x = 1.0f                    
  a[0] = x;                         // expected-error: syntax error
}
""",
    "bad_macro_args.mlu": """
#define SCALE(x, y) ((x) * (y))
__mlu_global__ void k(float* a) {
  a[0] = SCALE(1.0f);               // expected-error: macro SCALE takes 2 argument(s), 1 given
}
""",
    "union.cpp": """
union Point { int x; float f; };    // expected-error: not supported: union
""",
    "unknown_type.cu": """
__global__ void k(my_float* a) {    // expected-error: syntax error
}
""",
    "static_assert.cu": """
#define TILE 48
static_assert(TILE % 32 == 0, "TILE must be a multiple of a warp"); // expected-error: static assertion failed: TILE must be
""",
    "unterminated_if.cu": """
#if 1                               // expected-error: unterminated #if
__global__ void k(float* a) {}
""",
    "bad_member.cu": """
__global__ void k(float4* a) {
  float v = a[0].q;                 // expected-error: no member 'q'
}
""",
    "launch_unknown.cu": """
void host(float* d) {
  missing_kernel<<<1, 32>>>(d);     // expected-error: launch of unknown kernel 'missing_kernel'
}
""",
    "eof.cu": """
__global__ void k(float* a) {
  a[0] = 1.0f;                      // expected-error: unexpected end of file
""",
}


def _expected(source: str):
    for number, line in enumerate(source.splitlines(), start=1):
        m = re.search(r"expected-error: (.*)$", line)
        if m:
            return number, m.group(1).strip()
    raise AssertionError("case has no expected-error marker")


@pytest.mark.parametrize("name", sorted(CASES))
def test_error_position_and_message(name):
    source = CASES[name]
    line, text = _expected(source)
    with pytest.raises(XpilerError) as info:
        parse(source, name)
    err = info.value
    rendered = err.render()
    assert text in err.message, rendered
    assert err.span is not None and err.span.line == line, rendered
    assert rendered.startswith(f"{name}:{line}:{err.span.col}: error: "), rendered
    assert "^" in rendered.splitlines()[2]


def test_cli_reports_error_without_traceback(tmp_path):
    bad = tmp_path / "bad.cu"
    bad.write_text(CASES["goto.cu"])
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "parse", str(bad)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert f"{bad}:3:3: error: not supported: goto" in proc.stderr


def test_cli_missing_file_and_unknown_extension(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "parse", str(tmp_path / "nope.cu")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "cannot read" in proc.stderr and "Traceback" not in proc.stderr
    odd = tmp_path / "k.txt"
    odd.write_text("void f() {}")
    proc = subprocess.run([sys.executable, "-m", "xpiler.cli", "parse", str(odd)],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "--from" in proc.stderr
