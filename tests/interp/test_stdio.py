"""Semantics of the C library's output and termination in the interpreter: what printf, fprintf,
puts and C++ `<<` chains write goes to the run's report (stdout / stderr), formatted as the C
library does; exit, abort and a failed assert end the run with a positioned error."""
import ctypes

import numpy as np
import pytest

from xpiler.diagnostics import XpilerError
from xpiler.grammar import parse
from xpiler.interp import Interpreter

FORMATS = ["%d|%5d|%-5d|%+d|%05d|% d", "%x|%X|%#x|%o|%u|%8.3x", "%.3f|%10.2e|%g|%G|%-12.4g|%E",
           "%c|%s|%-6s|%.2s|%%|%5c", "%ld|%lld|%lu|%zu|%hhd|%*d|%.*f"]
ARGS = {  # per format: (C argument list, ctypes arguments)
    0: ("i, i, i, i, i, i", lambda i, d: [ctypes.c_int(i)] * 6),
    1: ("i, i, i, i, i, i", lambda i, d: [ctypes.c_int(i)] * 6),
    2: ("d, d, d, d, d, d", lambda i, d: [ctypes.c_double(d)] * 6),
    3: ("'q', \"text\", \"ab\", \"xyz\", 'z'", lambda i, d: [ctypes.c_int(ord("q")), b"text", b"ab", b"xyz",
                                                           ctypes.c_int(ord("z"))]),
    4: ("(long)i, (long long)i, (unsigned long)i, (size_t)i, i, 7, i, 3, d",
        lambda i, d: [ctypes.c_long(i), ctypes.c_longlong(i), ctypes.c_ulong(i % 2**64), ctypes.c_size_t(i % 2**64),
                      ctypes.c_int(i), ctypes.c_int(7), ctypes.c_int(i), ctypes.c_int(3), ctypes.c_double(d)]),
}


def run(src: str, name: str, entry: str, inputs: dict):
    it = Interpreter(parse(src, name))
    return it.run(entry, inputs), it.report


@pytest.mark.parametrize("k", range(len(FORMATS)))
@pytest.mark.parametrize("i,d", [(42, 3.14159), (-7, -0.000123), (0, 1e10), (255, 2.5)])
def test_printf_agrees_with_the_c_library(k, i, d):
    fmt = FORMATS[k]
    args, cargs = ARGS[k]
    src = f'#include <stdio.h>\nextern "C" void f(int i, double d, float* y) {{ printf("{fmt}\\n", {args}); }}\n'
    _, report = run(src, "p.cpp", "f", {"i": np.int32(i), "d": np.float64(d), "y": np.zeros(1, np.float32)})
    buf = ctypes.create_string_buffer(512)
    ctypes.CDLL(None).snprintf(buf, 512, (fmt + "\n").encode(), *cargs(i, d))
    assert report.stdout == [buf.value.decode()]


def test_streams_go_to_the_report_not_the_terminal(capfd):
    src = r'''
#include <stdio.h>
#include <iostream>
extern "C" void f(float* y, int n) {
  fprintf(stderr, "warning: n=%d\n", n);
  puts("line");
  fputs("no newline", stdout);
  putchar('!');
  fflush(stdout);
  std::cout << "y[0]=" << y[0] << ' ' << 1e10 << " " << (n > 2) << " " << (unsigned char)65 << std::endl;
  std::cerr << "done" << std::flush;
  y[0] = 2.0f * y[0];
}
'''
    out, report = run(src, "s.cpp", "f", {"y": np.array([1.25], np.float32), "n": np.int32(3)})
    assert out["y"][0] == 2.5
    assert "".join(report.stdout) == "line\nno newline!y[0]=1.25 1e+10 1 A\n"
    assert "".join(report.stderr) == "warning: n=3\ndone"
    assert capfd.readouterr() == ("", "")


def test_device_printf_writes_each_thread_in_order():
    src = r'''
__global__ void k(const int* x) { printf("thread %d: %d\n", (int)threadIdx.x, x[threadIdx.x]); }
extern "C" void run(const int* x) {
  int* d; cudaMalloc(&d, 4 * sizeof(int));
  cudaMemcpy(d, x, 4 * sizeof(int), cudaMemcpyHostToDevice);
  k<<<1, 4>>>(d);
  cudaFree(d);
}
'''
    _, report = run(src, "d.cu", "run", {"x": np.array([5, -1, 7, 0], np.int32)})
    assert report.stdout == ["thread 0: 5\n", "thread 1: -1\n", "thread 2: 7\n", "thread 3: 0\n"]


@pytest.mark.parametrize("platform,ext,check", [
    ("cuda", "cu", "cudaGetErrorString(cudaGetLastError()), cudaGetErrorName(cudaSuccess)"),
    ("hip", "hip", "hipGetErrorString(hipSuccess), hipGetErrorName(hipGetLastError())"),
    ("bang", "mlu", "cnrtGetErrorStr(cnrtSuccess), cnrtGetErrorStr(CNRT_RET_SUCCESS)"),
])
def test_error_strings_of_success(platform, ext, check):
    src = f'void f(float* y) {{ printf("%s / %s", {check}); }}\n'
    _, report = run(src, "e." + ext, "f", {"y": np.zeros(1, np.float32)})
    expected = {"cuda": "no error / cudaSuccess", "hip": "no error / hipSuccess",
                "bang": "cnrtSuccess / cnrtSuccess"}[platform]
    assert report.stdout == [expected]


EXITS = r'''
#include <stdio.h>
#include <stdlib.h>
#include <assert.h>
extern "C" void f(float* y, int mode) {
  if (mode == 1) {
    fprintf(stderr, "bad mode %d\n", mode);
    exit(EXIT_FAILURE);                       // line 8
  }
  if (mode == 2) std::exit(7);                // line 10
  if (mode == 3) abort();                     // line 11
  assert(mode != 4);                          // line 12
  y[0] = 1.0f;
}
'''


@pytest.mark.parametrize("mode,line,message", [
    (1, 8, "the program exited with status 1"), (2, 10, "the program exited with status 7"),
    (3, 11, "the program aborted"), (4, 12, "assertion failed: mode != 4")])
def test_exit_abort_and_assert_end_the_run_at_the_call(mode, line, message):
    with pytest.raises(XpilerError) as info:
        run(EXITS, "exits.cpp", "f", {"y": np.zeros(1, np.float32), "mode": np.int32(mode)})
    err = info.value
    assert err.span.line == line and err.message.startswith(message)
    assert err.render().startswith(f"exits.cpp:{line}:")
    if mode == 1:
        assert "bad mode 1" in err.notes[0].message           # what the program said before


def test_a_passing_assert_and_no_exit_leave_the_outputs():
    out, report = run(EXITS, "exits.cpp", "f", {"y": np.zeros(1, np.float32), "mode": np.int32(0)})
    assert out["y"][0] == 1.0 and report.stderr == []


def test_a_failed_device_assert_names_the_thread():
    src = r'''
#include <assert.h>
__global__ void k(const float* x) { assert(x[blockIdx.x * 4 + threadIdx.x] >= 0.0f); }
extern "C" void run(const float* x) {
  float* d; cudaMalloc(&d, 8 * sizeof(float));
  cudaMemcpy(d, x, 8 * sizeof(float), cudaMemcpyHostToDevice);
  k<<<2, 4>>>(d);
  cudaFree(d);
}
'''
    x = np.array([0, 1, 2, 3, 4, -5, 6, 7], np.float32)
    with pytest.raises(XpilerError) as info:
        run(src, "a.cu", "run", {"x": x})
    assert info.value.span.line == 3
    assert info.value.message == "assertion failed: x[blockIdx.x * 4 + threadIdx.x] >= 0.0f (block (1, 0, 0), thread (1, 0, 0))"


def test_the_cli_reports_an_exit_as_an_error_without_a_traceback(tmp_path, capsys):
    from xpiler.cli import main
    src = tmp_path / "exits.cpp"
    src.write_text(EXITS)
    inputs = tmp_path / "in.npz"
    np.savez(inputs, y=np.zeros(1, np.float32), mode=np.int32(1))
    code = main(["run", str(src), "--inputs", str(inputs)])
    err = capsys.readouterr().err
    assert code != 0 and "Traceback" not in err
    assert f"{src}:8:5: error: the program exited with status 1" in err
