"""The command line never shows a Python traceback and never damages what it writes to.

Kernels of the corpus (and of the wild set, when present) are mutated: tokens and lines deleted,
duplicated or swapped, stray characters inserted. `xpiler parse` and `xpiler translate --to
<each other target> --examples 1` run in-process on the result (`xpiler.cli.main`): whatever the
input, either the command succeeds or it fails with an XpilerError printed as
`file:line:col: error: ...` and a non-zero exit; any other exception is a bug in xpiler.

The suite runs a few examples (about half a minute); for a long hunt:
`XPILER_FUZZ_EXAMPLES=2000 python3 -m pytest tests/translate/test_no_tracebacks.py`.
"""
import contextlib
import io
import os
import re
import signal
import stat
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xpiler.cli import main

TESTS = Path(__file__).resolve().parents[1]
EXTENSIONS = {".cu": "cuda", ".hip": "hip", ".mlu": "bang", ".cpp": "vnni"}
POOL = sorted(p for pattern in ("corpus/*/*", "wild/*/*") for p in TESTS.glob(pattern)
              if p.suffix in EXTENSIONS)
EXAMPLES = int(os.environ.get("XPILER_FUZZ_EXAMPLES", "0"))
SECONDS_PER_EXAMPLE = 30              # a mutation that makes a kernel loop for ever is not a bug

TOKEN = re.compile(r"""\s+|//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_]\w*
                   |\d[\w.]*(?:[eEpP][+-]\d+)?[fFlLuU]*|<<<|>>>|::|->|\+\+|--|<<|>>|[<>=!+\-*/%&|^]=
                   |&&|\|\||\.\.\.|\S""", re.X | re.S)
STRAY = ["{", "}", "(", ")", "[", "]", ";", ",", "#", "@", "`", "$", "\\", "'", '"', "0", "x", "<",
         ">", "*", "&", "::", "/*", "\n", "-", "~", "?", ":", ".", "=", "1e", "0x", "\t"]
MUTATIONS = ["delete token", "duplicate token", "swap tokens", "delete line", "duplicate line",
             "swap lines", "insert character"]


@st.composite
def mutation(draw, text: str) -> str:
    kind = draw(st.sampled_from(MUTATIONS))
    if kind.endswith("line"):
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "delete line":
            del lines[i]
        else:
            lines.insert(i, lines[i])
        return "\n".join(lines)
    if kind == "swap lines":
        lines = text.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        j = min(len(lines) - 1, i + draw(st.integers(1, 3)))
        lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    if kind == "insert character":
        i = draw(st.integers(0, len(text)))
        return text[:i] + draw(st.sampled_from(STRAY)) + text[i:]
    tokens = [m.group() for m in TOKEN.finditer(text)]
    solid = [i for i, t in enumerate(tokens) if not t.isspace()]
    if len(solid) < 2:
        return text
    k = draw(st.sampled_from(solid))
    if kind == "delete token":
        tokens[k] = ""
    elif kind == "duplicate token":
        tokens[k] = tokens[k] + " " + tokens[k]
    else:
        later = [i for i in solid if i > k][:3] or [solid[0]]
        j = draw(st.sampled_from(later))
        tokens[k], tokens[j] = tokens[j], tokens[k]
    return "".join(tokens)


@st.composite
def mutated_kernels(draw):
    source = draw(st.sampled_from(POOL))
    text = source.read_text()
    for _ in range(draw(st.integers(1, 3))):
        text = draw(mutation(text))
    return source, text


class _Timeout(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in xpiler catches it."""


def _on_alarm(signum, frame):
    raise _Timeout()


def run_cli(argv: list[str]) -> tuple[int, str]:
    """`xpiler.cli.main(argv)` in-process: (exit status, stderr). Any exception propagates."""
    err, out = io.StringIO(), io.StringIO()
    old = signal.signal(signal.SIGALRM, _on_alarm)
    signal.alarm(SECONDS_PER_EXAMPLE)
    try:
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
            try:
                code = main(argv)
            except SystemExit as e:                  # argparse
                code = e.code if isinstance(e.code, int) else 2
    except _Timeout:
        assume(False)                                # too slow to finish: not a finding
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
    return code, err.getvalue()


def assert_clean_failure(code: int, stderr: str, path: Path, command: str) -> None:
    """A failure is an XpilerError as a compiler prints one: `file:line:col: error: ...` (or, for
    an error about no place in the file, `xpiler: error: ...`), with a non-zero exit."""
    if code == 0 or code == 3:                       # 3: translated, written, not verified
        return
    assert re.search(rf"^(?:{re.escape(str(path))}:\d+:\d+|xpiler): error: ", stderr, re.M), \
        f"{command} failed (exit {code}) without a compiler-style error:\n{stderr[-2000:]}"


def _examples(default: int) -> int:
    return EXAMPLES or default


@pytest.mark.skipif(not POOL, reason="no corpus kernels")
@settings(max_examples=_examples(100), deadline=None, derandomize=not EXAMPLES,
          suppress_health_check=list(HealthCheck))
@given(case=mutated_kernels())
def test_parse_never_raises(case):
    source, text = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_text(text)
        code, stderr = run_cli(["parse", str(path)])
        assert_clean_failure(code, stderr, path, "xpiler parse")


@pytest.mark.skipif(not POOL, reason="no corpus kernels")
@settings(max_examples=_examples(6), deadline=None, derandomize=not EXAMPLES,
          suppress_health_check=list(HealthCheck))
@given(case=mutated_kernels())
def test_translate_never_raises(case):
    source, text = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / source.name
        path.write_text(text)
        code, stderr = run_cli(["parse", str(path)])
        assert_clean_failure(code, stderr, path, "xpiler parse")
        targets = [t for t in ("cuda", "hip", "bang", "vnni") if t != EXTENSIONS[path.suffix]]
        if code != 0:
            targets = targets[:1]                    # the same parse error for every target
        for target in targets:
            out = Path(tmp) / f"out.{target}"
            code, stderr = run_cli(["translate", str(path), "--to", target, "--examples", "1",
                                    "-o", str(out)])
            assert_clean_failure(code, stderr, path, f"xpiler translate --to {target}")


# ---- what the command line writes to ----------------------------------------------------------

SOURCE = TESTS / "corpus" / "cuda" / "add_f4.cu"


@pytest.mark.skipif(not SOURCE.exists(), reason="corpus kernel missing")
def test_output_to_dev_null_keeps_the_device():
    before = os.stat("/dev/null")
    if not os.access("/dev/null", os.W_OK):
        pytest.skip("/dev/null is not writable here")
    code, stderr = run_cli(["translate", str(SOURCE), "--to", "cpu", "--examples", "1", "-o", "/dev/null"])
    assert code in (0, 3), stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_output_to_a_fifo_is_written_not_replaced(tmp_path):
    import threading
    from xpiler.pipeline import write_atomically
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(Path(fifo).read_text()), daemon=True)
    reader.start()
    write_atomically(fifo, "int x;\n")
    reader.join(timeout=10)
    assert received == ["int x;\n"]
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_output_through_a_symlink_keeps_the_link(tmp_path):
    from xpiler.pipeline import write_atomically
    target = tmp_path / "real.cpp"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.cpp"
    link.symlink_to(target)
    write_atomically(link, "new")
    assert link.is_symlink() and target.read_text() == "new"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640


def test_output_to_a_missing_folder_is_an_error_not_a_traceback(tmp_path):
    code, stderr = run_cli(["translate", str(SOURCE), "--to", "cpu", "--examples", "1",
                            "-o", str(tmp_path / "no" / "such" / "out.cpp")])
    assert code == 1 and "error: cannot write" in stderr


@pytest.mark.parametrize("level", ["fast", "full", "max"])
def test_tune_other_than_none_is_a_usage_error(level):
    code, stderr = run_cli(["translate", str(SOURCE), "--to", "cpu", "--tune", level])
    assert code == 2
    assert "--tune" in stderr and "only 'none'" in stderr


def test_tune_none_is_accepted():
    code, stderr = run_cli(["translate", str(SOURCE), "--to", "cpu", "--examples", "1", "--tune", "none",
                            "-o", "/dev/null"])
    assert code in (0, 3), stderr
