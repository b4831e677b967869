"""The interpreter agrees with real execution: vnni corpus kernels compiled with g++ and run on
this CPU (integers exactly), bang corpus kernels through the CPU emulation header, and CUDA/HIP
corpus kernels compile with the real compilers."""
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import pytest

from xpiler.grammar import parse_file
from xpiler.interp import Interpreter
from xpiler.oracle import native
from tests.corpus_support import corpus


def _compare(kernel, got, want):
    tol = getattr(kernel.reference, "TOLERANCE", {"rtol": 1e-5, "atol": 1e-6})
    for name in kernel.reference.OUTPUTS:
        a, b = got[name], want[name]
        if np.issubdtype(b.dtype, np.integer):
            np.testing.assert_array_equal(a, b, err_msg=f"{kernel.id}: {name}")
        else:
            np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=tol["rtol"],
                                       atol=tol["atol"], err_msg=f"{kernel.id}: {name}")


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.id) for k in corpus("vnni") + corpus("bang")])
def test_interpreter_agrees_with_native(kernel):
    tool = kernel.platform
    reason = native.available(tool)
    if reason:
        pytest.skip(reason)
    if tool == "vnni" and not native.cpu_runs_vnni():
        pytest.skip("this CPU lacks avx512_vnni")
    module = parse_file(kernel.source)
    for case in kernel.cases():
        inputs = kernel.inputs(case, seed=7)
        got = Interpreter(module).run(kernel.reference.ENTRY, inputs)
        want = native.run_native(kernel.source, tool, kernel.reference.ENTRY, kernel.reference.PARAMS, inputs)
        _compare(kernel, got, want)


COMPILE = {"cuda": (["nvcc", "-arch=sm_80", "-c"], ".cu"),
           "hip": (["hipcc", "--offload-arch=gfx90a", "-c"], ".hip")}


@pytest.mark.parametrize("kernel", [pytest.param(k, id=k.id) for k in corpus("cuda") + corpus("hip")])
def test_gpu_corpus_compiles_with_the_real_compiler(kernel):
    cmd, _ = COMPILE[kernel.platform]
    if shutil.which(cmd[0]) is None:
        pytest.skip(f"{cmd[0]} not found")
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.run(cmd + [str(kernel.source), "-o", str(Path(tmp) / "k.o")], capture_output=True,
                              text=True, env=dict(os.environ, HIP_PLATFORM="amd"))
    assert proc.returncode == 0, proc.stderr[-2000:]
